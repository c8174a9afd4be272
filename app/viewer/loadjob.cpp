#include "viewer/loadjob.h"

#include <QFile>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include "viewer/document.h"

namespace livepix::gui {

namespace {

constexpr int ProgressSteps = 1000;

QString cancelledError(const QString &path) { return path + QStringLiteral(": cancelled"); }

} // namespace

LoadedFile loadFileWithHash(const QString &path, const std::function<bool(float)> &keepGoing)
{
    LoadedFile loaded;
    try {
        loaded.image = loadImage(QFile::encodeName(path).toStdString(), keepGoing);
        loaded.hash = contentHash(loaded.image);
    } catch (const ImageError &e) {
        loaded.error = QString::fromStdString(e.what());
    } catch (const std::exception &e) {
        loaded.error = path + QStringLiteral(": ") + QString::fromStdString(e.what());
    }
    return loaded;
}

LoadJob::LoadJob(const QString &path, QThreadPool *pool, QObject *parent)
    : QObject(parent), m_path(path), m_result(m_promise.get_future().share())
{
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this, [this](int value) {
        m_progress = double(value) / ProgressSteps;
        Q_EMIT progressChanged(m_progress);
    });
    // The task gets copies of what it needs, never `this`.
    m_watcher.setFuture(QtConcurrent::run(pool, [path](QPromise<Loaded> &promise) {
        promise.setProgressRange(0, ProgressSteps);
        promise.addResult(loadFileWithHash(path, [&promise](float done) {
            promise.setProgressValue(int(done * ProgressSteps));
            return !promise.isCanceled();
        }));
    }));
}

LoadJob::LoadJob(const QString &path, Image image, std::uint64_t hash, QObject *parent)
    : QObject(parent), m_path(path), m_result(m_promise.get_future().share())
{
    m_progress = 1.0;
    m_watcher.setFuture(QtFuture::makeReadyFuture(Loaded{std::move(image), hash, QString()}));
}

LoadJob::~LoadJob()
{
    // A job destroyed unfinished (the viewer goes away): stop its task; the
    // pool's owner waits for it. The promise breaks, so a waiting console
    // call gets an error instead of hanging.
    m_watcher.cancel();
}

Document *LoadJob::document() const { return m_document; }

void LoadJob::cancel()
{
    if (m_finished)
        return;
    m_cancelled = true;
    m_watcher.cancel();
}

LoadJob::Loaded LoadJob::takeLoaded()
{
    QFuture<Loaded> future = m_watcher.future();
    if (m_cancelled || future.resultCount() == 0)
        return Loaded{Image(), 0, cancelledError(m_path)};
    Loaded loaded = future.result();
    if (loaded.image.isNull() && loaded.error.isEmpty())
        loaded.error = m_path + QStringLiteral(": unknown error");
    return loaded;
}

void LoadJob::finish(Document *document, const QString &error)
{
    m_finished = true;
    m_document = document;
    m_error = error;
    m_promise.set_value(OpenedImage{document ? document->image() : Image(), error});
    Q_EMIT finished(document, error);
}

} // namespace livepix::gui
