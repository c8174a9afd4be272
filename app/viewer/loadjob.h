#pragma once
// LoadJob: one file being opened in the background (Viewer::openAsync).
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>

#include <cstdint>
#include <functional>
#include <future>

#include <livepix/image.h>

class QThreadPool;

namespace livepix::gui {

class Document;

/// What an open gives to a caller on another thread (the console's
/// viewer.open()): the document's image handle, or the error.
struct OpenedImage {
    Image image;   ///< null when the open failed
    QString error; ///< "<path>: <reason>" when it failed
};

/// What loading one file gives: the image and its contentHash() (the
/// fingerprint a clean document keeps), or the error ("<path>: <reason>").
struct LoadedFile {
    Image image;
    std::uint64_t hash = 0;
    QString error;
};

/// loadImage() and contentHash() of `path`, for a pool thread: what an open
/// (LoadJob) and a prefetch (PrefetchCache) both do. `keepGoing(fraction)`
/// reports progress; returning false cancels the load. Never throws.
LoadedFile loadFileWithHash(const QString &path, const std::function<bool(float)> &keepGoing);

/// One file being opened: loadImage() and its contentHash() run on a pool
/// thread (QtConcurrent::run with a QPromise for progress and cancel); a
/// QFutureWatcher brings the result back to the GUI thread, where the Viewer
/// makes the Document and then emits finished(). Nothing waits in a nested
/// event loop: callers connect to finished().
///
/// Order: the Viewer finishes its load jobs in the order openAsync() was
/// called, whichever load ends first, so documents appear in request order.
///
/// Lifetime: made and owned by the Viewer; it deletes itself (deleteLater)
/// right after emitting finished(), so keep a QPointer if you keep the
/// pointer at all. The pool task holds only its own values (path, promise),
/// never this object.
///
/// Threading: GUI thread only, except result(), whose future may be waited
/// on from any thread.
class LoadJob : public QObject {
    Q_OBJECT
public:
    ~LoadJob() override;

    QString path() const { return m_path; }
    /// Fraction loaded in [0, 1]; 0 also while a reader reports nothing.
    double progress() const { return m_progress; }
    bool isFinished() const { return m_finished; }
    /// Asks the load to stop. A job cancelled before finished() fails with
    /// "<path>: cancelled", even if the pool thread had already read the file.
    void cancel();
    bool isCancelled() const { return m_cancelled; }

    /// After finished(): the new document (nullptr when the open failed, or
    /// once the document has been closed) and the error ("<path>: <reason>").
    Document *document() const;
    QString error() const { return m_error; }

    /// For callers on other threads: set on the GUI thread when finished()
    /// is emitted. If the job is destroyed first (the viewer goes away),
    /// get() throws std::future_error (broken promise).
    std::shared_future<OpenedImage> result() const { return m_result; }

Q_SIGNALS:
    /// progress in [0, 1]; emitted on the GUI thread, at most ~25 times a second.
    void progressChanged(double progress);
    /// The open is over: `document` is the new, current document, or nullptr
    /// with `error` set. Emitted once.
    void finished(livepix::gui::Document *document, const QString &error);

private:
    friend class Viewer;
    /// What the pool thread hands back.
    using Loaded = LoadedFile;

    LoadJob(const QString &path, QThreadPool *pool, QObject *parent);
    /// A job whose image is already in memory (prefetched): it finishes like
    /// any other, in its turn, without reading the file.
    LoadJob(const QString &path, Image image, std::uint64_t hash, QObject *parent);
    /// The pool task is over (the Viewer may now finish the job).
    bool isLoaded() const { return m_watcher.isFinished(); }
    /// The pool task's result, with "cancelled" when cancel() came first.
    Loaded takeLoaded();
    /// Called by the Viewer once the document exists (or not): emits finished().
    void finish(Document *document, const QString &error);

    QString m_path;
    QFutureWatcher<Loaded> m_watcher;
    double m_progress = 0.0;
    bool m_cancelled = false;
    bool m_finished = false;
    QPointer<Document> m_document;
    QString m_error;
    std::promise<OpenedImage> m_promise;
    std::shared_future<OpenedImage> m_result;
};

} // namespace livepix::gui
