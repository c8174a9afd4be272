#pragma once
// FolderBrowser: next / previous image in the current image's folder.
#include <QObject>
#include <QString>
#include <QStringList>

namespace livepix::gui {

class Viewer;

/// Steps through the images of the current document's folder in natural
/// order ("img2" before "img10", case ignored), like other viewers' Page
/// Down / Page Up. The image stepped to replaces the current document; a
/// document with unsaved changes stays open in its tab instead (nothing is
/// lost). Only files livepix can read count; the list is read again at each
/// step, so files added or removed meanwhile are seen. At either end it stays
/// and says so (no wrap-around, so an end is noticed).
///
/// Prefetch: once enabled (setPrefetch(true), the interactive app), the
/// neighbours of the current document's file are loaded ahead on a worker
/// (Viewer::prefetchCache(), within its memory budget), so a step to one of
/// them makes its document from memory.
///
/// Threading: GUI thread only.
class FolderBrowser : public QObject {
    Q_OBJECT
public:
    explicit FolderBrowser(Viewer *viewer, QObject *parent = nullptr);

    /// The images in `folder` livepix can open, in natural order (file names).
    static QStringList imagesIn(const QString &folder);
    /// The absolute path `step` images after (before, when negative) `path`
    /// in its folder; empty at an end.
    static QString neighbour(const QString &path, int step);

    /// Goes `step` images forward (backward when negative). Returns false,
    /// with message() emitted, when there is nowhere to go.
    bool step(int step);
    void setPrefetch(bool on);

Q_SIGNALS:
    /// A line for the status bar ("Last image in ...").
    void message(const QString &text);

private:
    void prefetchAround();

    Viewer *m_viewer;
    bool m_prefetch = false;
};

} // namespace livepix::gui
