#pragma once
// HistoryController: Edit > Undo / Redo, the undo memory limit and the
// History panel of the main window.
#include <QObject>
#include <QString>

class QAction;

namespace livepix::gui {

class Document;
class HistoryDock;
class MainWindow;
class Viewer;

/// The window's side of undo: the Edit menu's Undo / Redo (standard
/// shortcuts, labelled with the step) and "Undo Memory Limit…" (QSettings
/// "undo/memoryLimitMiB"), the History panel (View > History), and the
/// status-bar messages: a step that could not be kept, an undo refused
/// while code or a filter runs. The work itself is the Viewer's
/// (Viewer::undo/redo/jumpTo) over each document's History.
///
/// Threading: GUI thread only.
class HistoryController : public QObject {
    Q_OBJECT
public:
    HistoryController(MainWindow *window, Viewer *viewer);

    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    HistoryDock *dock() const { return m_dock; }

    /// What the menu items and the panel do; false when nothing happened
    /// (nothing to undo, or refused while busy: the status bar says so).
    bool undo();
    bool redo();
    bool jumpTo(Document *document, std::size_t position);
    /// Sets the undo memory limit for all documents (and the setting).
    static void setLimitMiB(int mib);

private:
    bool report(int step);
    void updateActions();
    void onRecorded(Document *document, const QString &problem);

    MainWindow *m_window;
    Viewer *m_viewer;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    HistoryDock *m_dock = nullptr;
};

} // namespace livepix::gui
