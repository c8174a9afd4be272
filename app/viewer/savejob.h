#pragma once
// SaveJob: one document being written to a file in the background (Viewer::saveAsync).
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>

#include <cstdint>
#include <memory>

#include <livepix/image.h>
#include <livepix/imageio.h>

class QThreadPool;

namespace livepix::gui {

class Document;

/// One save: a snapshot of the document's pixels is taken when the save is
/// asked for (on the GUI thread), then a pool thread writes that snapshot
/// (atomically) and hashes it as it goes, so the bytes in the file are
/// exactly the bytes the clean mark describes, whatever scripts write
/// meanwhile. When it ends, the Viewer marks the history state of the
/// request clean; writes made since are later steps, so the document stays
/// modified when the pixels moved on.
///
/// The snapshot is the write tracker's pin (WriteTracker::pin(), saved with
/// saveSnapshot()): no copy when the save starts, and memory only for the
/// 2 MiB chunks written while it runs. When the tracker cannot pin (writes
/// unprotected for a system call, or an earlier save of the same image
/// still pinning), a full copy (Image::copy()) instead: the image's size in
/// memory for the save, and a memcpy on the GUI thread (snapshotCopied()).
///
/// The Viewer runs its saves one at a time, in the order asked, so two saves
/// of one file cannot finish out of order.
///
/// Lifetime: made and owned by the Viewer; deletes itself (deleteLater)
/// right after emitting finished(). The pool task holds only its own values
/// (the snapshot, path, options and a shared outcome), never this object.
///
/// Threading: GUI thread only.
class SaveJob : public QObject {
    Q_OBJECT
public:
    ~SaveJob() override;

    QString path() const { return m_path; }
    /// The document saved; nullptr once it has been closed.
    Document *document() const { return m_document; }
    /// Fraction written in [0, 1]; 0 also while the writer reports nothing.
    double progress() const { return m_progress; }
    bool isFinished() const { return m_finished; }
    /// True when the snapshot is a full copy rather than the tracker's pin.
    bool snapshotCopied() const { return m_copied; }
    /// Asks the writer to stop; the save then fails with "<path>: cancelled"
    /// and the target file is untouched. Too late once the file is written.
    void cancel();

    /// After finished(): whether the file was written, the error
    /// ("<path>: <reason>") otherwise, and the snapshot's contentHash.
    bool succeeded() const { return m_succeeded; }
    QString error() const { return m_error; }
    std::uint64_t hash() const { return m_hash; }

Q_SIGNALS:
    /// progress in [0, 1]; emitted on the GUI thread, at most ~25 times a second.
    void progressChanged(double progress);
    /// The save is over; the document (if still open) is already updated.
    void finished(bool ok, const QString &error);

private:
    friend class Viewer;
    /// Written by the pool task, read on the GUI thread after it finished.
    struct Outcome {
        bool ok = false;
        std::uint64_t hash = 0;
        QString error;
    };

    SaveJob(Document *document, const QString &path, const SaveOptions &options, QThreadPool *pool,
            QObject *parent);
    /// Called by the Viewer once the task is over: copies the outcome.
    void takeOutcome();
    /// Called by the Viewer after it updated the document: emits finished().
    void finish();

    QString m_path;
    QPointer<Document> m_document;
    QFutureWatcher<void> m_watcher;
    std::shared_ptr<Outcome> m_outcome;
    double m_progress = 0.0;
    bool m_copied = false;
    bool m_finished = false;
    bool m_succeeded = false;
    std::uint64_t m_hash = 0;
    QString m_error;
};

} // namespace livepix::gui
