#include "viewer/savejob.h"

#include <QFile>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "viewer/document.h"

namespace livepix::gui {

namespace {
constexpr int ProgressSteps = 1000;
} // namespace

SaveJob::SaveJob(Document *document, const QString &path, const SaveOptions &options, QThreadPool *pool,
                 QObject *parent)
    : QObject(parent), m_path(path), m_document(document), m_outcome(std::make_shared<Outcome>())
{
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this, [this](int value) {
        m_progress = double(value) / ProgressSteps;
        Q_EMIT progressChanged(m_progress);
    });
    // The snapshot: the pixels as they are now, when Save was chosen. The
    // write tracker pins them (writes from now on copy their chunk aside
    // first); without it (writes unprotected for a system call, or another
    // save of this image still pinning) a full copy. Either way the bytes
    // written and hashed are the ones the clean mark describes.
    const Image image = document->image();
    WriteTracker *tracker = image.buffer() ? image.buffer()->writeTracker() : nullptr;
    std::shared_ptr<const WriteSnapshot> pinned = tracker ? tracker->pin() : nullptr;
    m_copied = !pinned;
    // A view has descriptive state of its own (cloned now): names and
    // metadata are those of this moment too, like the pixels.
    const Image pixels = pinned ? image.view(0, 0, image.width(), image.height()) : image.copy();
    const std::string nativePath = QFile::encodeName(path).toStdString();
    m_watcher.setFuture(QtConcurrent::run(
        pool, [pixels, pinned, nativePath, options, path, outcome = m_outcome](QPromise<void> &promise) {
            promise.setProgressRange(0, ProgressSteps);
            const auto progress = [&promise](float done) {
                promise.setProgressValue(int(done * ProgressSteps));
                return !promise.isCanceled();
            };
            try {
                if (pinned) {
                    outcome->hash = saveSnapshot(pixels, *pinned, nativePath, options, progress);
                } else {
                    outcome->hash = contentHash(pixels);
                    saveImage(pixels, nativePath, options, progress);
                }
                outcome->ok = true;
            } catch (const ImageError &e) {
                outcome->error = QString::fromStdString(e.what());
            } catch (const std::exception &e) {
                outcome->error = path + QStringLiteral(": ") + QString::fromStdString(e.what());
            }
        }));
}

SaveJob::~SaveJob() = default;

void SaveJob::cancel()
{
    if (!m_finished)
        m_watcher.cancel();
}

void SaveJob::takeOutcome()
{
    // A save cancelled before it started never ran: no outcome was written.
    m_succeeded = m_outcome->ok;
    m_hash = m_outcome->hash;
    m_error = m_outcome->error;
    if (!m_succeeded && m_error.isEmpty())
        m_error = m_path + QStringLiteral(": cancelled");
}

void SaveJob::finish()
{
    m_finished = true;
    Q_EMIT finished(m_succeeded, m_error);
}

} // namespace livepix::gui
