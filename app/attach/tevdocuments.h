#pragma once
// TevDocuments: what tev's packets do to the Viewer's documents.
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <functional>
#include <utility>
#include <vector>

#include "attach/tevprotocol.h"
#include "viewer/liveedit.h"

namespace livepix::gui {

class Document;
class LoadJob;
class Viewer;

/// Applies parsed tev packets to a Viewer, matching images by name as tev
/// does (a document's name, or its file path):
///  - CreateImage: a new float32 document named like tev's image, with the
///    packet's channel names, zero-filled; an older one of that name is
///    closed as by CloseImage (tev replaces it).
///  - UpdateImage (V1-V3): writes the tile into that document's pixels in
///    place (tev::writeTileChannel); channels are picked by name, names the
///    image lacks are skipped with a warning, a tile outside the image is
///    skipped with a warning (tev's rules). The writes are ordinary tracked
///    writes: the write tracker sees them, BackgroundWrites turns a burst into
///    one "Background writes" undo step after 0.5 s of quiet.
///  - OpenImage / OpenImageV2: Viewer::openAsync (channel selectors ignored).
///  - ReloadImage: opens the file again; the old document closes once the
///    new one loaded (a failed reload keeps it).
///  - CloseImage: closes.
///  - VectorGraphics: accepted and ignored.
///
/// Unsaved changes: a document the user changed in livepix is never closed
/// or reloaded silently. It goes through AskToClose (the main window's File >
/// Close question); with none set (tests, batch runs: nobody to answer) it
/// stays open and a warning says why. tev's own writes do not count as a
/// change: a document that was clean when tev started writing is marked clean
/// again when those writes become their "Background writes" step. (Limit:
/// another unannounced writer in the same half second is taken for tev.)
///
/// Threading: GUI thread only.
class TevDocuments : public QObject {
    Q_OBJECT
public:
    /// Asks whether to close a modified document (true: it closed or will
    /// close after its save), like MainWindow::closeDocument.
    using AskToClose = std::function<bool(Document *)>;

    explicit TevDocuments(Viewer *viewer, QObject *parent = nullptr);
    ~TevDocuments() override;

    void setAskToClose(AskToClose ask) { m_ask = std::move(ask); }

    /// Applies one packet from `peer`. Returns an empty string, or why the
    /// connection must close (the packet asked for something impossible,
    /// e.g. an image too large to allocate).
    QString apply(const tev::Packet &packet, const QString &peer);
    /// After a read's packets: marks the written images changed and keeps
    /// the view repainting (one LiveEdit token, released after a pause).
    void endOfBatch();
    /// The newest document named `name` (or with that file path), or null.
    Document *find(const QString &name) const;

    /// How long the live-repaint token outlives the last write.
    static constexpr int QuietMs = 100;

private:
    QString create(const tev::CreateImage &packet);
    void update(const tev::UpdateImage &packet, const QString &peer);
    LoadJob *openFile(const QString &path, bool grabFocus);
    void reload(const tev::ReloadImage &packet, const QString &peer);
    /// Closes `document` now if unmodified, else asks (or keeps it, with a
    /// warning, when nobody can be asked); runs `afterClosed` once it is
    /// gone. Deferred to the event loop: never inside a socket's read.
    void requestClose(Document *document, std::function<void()> afterClosed = {});
    void closeOrAsk(Document *document, const std::function<void()> &afterClosed);
    void noteWrite(Document *document);
    void onRecorded(Document *document, const QString &problem);

    Viewer *m_viewer;
    AskToClose m_ask;
    LiveEdit m_live;
    QTimer m_quiet;
    QList<QPointer<Document>> m_written; // since the last endOfBatch()
    /// Documents tev wrote since their last recorded step, and whether they
    /// were clean before.
    std::vector<std::pair<QPointer<Document>, bool>> m_cleanBefore;
    QList<Document *> m_asking; // a question is open for these
};

} // namespace livepix::gui
