#include "viewer/viewer.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <memory>

#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include "display/autolevelsfollower.h"
#include "display/displaydefaults.h"
#include "viewer/document.h"

namespace livepix::gui {

namespace {

/// State shared between open() on the GUI thread and its loader thread. The
/// atomics are the only fields both touch while the loader runs; image and
/// error are read by the GUI thread only after the loader thread finished.
struct LoadJob {
    std::atomic<float> progress{0.0f};
    std::atomic<bool> cancel{false};
    Image image;
    std::uint64_t hash = 0; // contentHash(image), taken on the loader thread
    std::string error;
};

} // namespace

struct Viewer::Private {
    QList<Document *> documents;
    Document *current = nullptr;
    double zoom = 0.0;
    double exposure = 0.0;
    double gamma = 1.0;
    QList<std::shared_ptr<LoadJob>> jobs;
    QTimer modifiedCheck; // single shot: see pixelsMayHaveChanged()
    AutoLevelsFollower *follower = nullptr;
    QMetaObject::Connection currentSettings; // current document -> viewSettingsChanged
};

Viewer::Viewer(QObject *parent) : QObject(parent), d(new Private)
{
    d->modifiedCheck.setSingleShot(true);
    d->modifiedCheck.setInterval(ModifiedCheckDelayMs);
    connect(&d->modifiedCheck, &QTimer::timeout, this, &Viewer::checkForUnsavedEdits);
    // New documents (open, show) get their display defaults before they become current.
    connect(this, &Viewer::documentsChanged, this, &Viewer::initDisplaySettings);
    connect(this, &Viewer::currentChanged, this, [this](Document *document) {
        disconnect(d->currentSettings);
        if (document)
            d->currentSettings =
                connect(document, &Document::displaySettingsChanged, this, &Viewer::viewSettingsChanged);
        Q_EMIT viewSettingsChanged();
    });
    d->follower = new AutoLevelsFollower(this);
}

Viewer::~Viewer()
{
    cancelLoad();
    delete d;
}

QList<Document *> Viewer::documents() const { return d->documents; }

Document *Viewer::current() const { return d->current; }

void Viewer::setCurrent(Document *document)
{
    if (document == d->current || (document && !d->documents.contains(document)))
        return;
    d->current = document;
    Q_EMIT currentChanged(document);
}

Document *Viewer::open(const QString &path, QString *error)
{
    auto job = std::make_shared<LoadJob>();
    const std::string nativePath = QFile::encodeName(path).toStdString();
    QThread *thread = QThread::create([job, nativePath] {
        try {
            job->image = loadImage(nativePath, [job](float progress) {
                job->progress.store(progress, std::memory_order_relaxed);
                return !job->cancel.load(std::memory_order_relaxed);
            });
            job->hash = contentHash(job->image);
        } catch (const ImageError &e) {
            job->error = e.what();
        } catch (const std::exception &e) {
            job->error = nativePath + ": " + e.what();
        }
    });

    // Keep the event loop running while the worker loads, so the window
    // repaints and a progress bar can move.
    QEventLoop loop;
    connect(thread, &QThread::finished, &loop, &QEventLoop::quit);
    QTimer tick;
    tick.setInterval(50);
    connect(&tick, &QTimer::timeout, this,
            [this, job, path] { Q_EMIT loadProgress(path, job->progress.load(std::memory_order_relaxed)); });
    d->jobs.append(job);
    Q_EMIT loadStarted(path);
    thread->start();
    tick.start();
    if (!thread->isFinished())
        loop.exec();
    thread->wait();
    delete thread;
    d->jobs.removeOne(job);
    Q_EMIT loadFinished(path);

    if (job->image.isNull()) {
        if (error)
            *error = QString::fromStdString(job->error.empty() ? nativePath + ": unknown error" : job->error);
        return nullptr;
    }
    auto *document = new Document(job->image, QFileInfo(path).fileName(), this);
    document->setFilePath(QFileInfo(path).absoluteFilePath());
    document->markClean(job->hash);
    d->documents.append(document);
    d->zoom = 0.0; // a newly opened image starts fitted to the window
    Q_EMIT documentsChanged();
    Q_EMIT viewSettingsChanged();
    setCurrent(document);
    return document;
}

Document *Viewer::show(const Image &image, const QString &name)
{
    if (image.isNull())
        return nullptr;
    auto *document = new Document(image, name, this);
    d->documents.append(document);
    d->zoom = 0.0;
    Q_EMIT documentsChanged();
    Q_EMIT viewSettingsChanged();
    setCurrent(document);
    return document;
}

bool Viewer::close(Document *document)
{
    const int index = d->documents.indexOf(document);
    if (index < 0)
        return false;
    d->documents.removeAt(index);
    if (d->current == document) {
        Document *next = nullptr;
        if (!d->documents.isEmpty())
            next = d->documents.at(std::min<int>(index, d->documents.size() - 1));
        d->current = next;
        Q_EMIT documentsChanged();
        Q_EMIT currentChanged(next);
    } else {
        Q_EMIT documentsChanged();
    }
    // Deferred: a slot up the stack may still hold the pointer.
    document->deleteLater();
    return true;
}

bool Viewer::isLoading() const { return !d->jobs.isEmpty(); }

void Viewer::cancelLoad()
{
    for (const auto &job : d->jobs)
        job->cancel.store(true);
}

double Viewer::zoom() const { return d->zoom; }

void Viewer::setZoom(double zoom)
{
    if (zoom <= 0.0)
        zoom = 0.0;
    else
        zoom = std::clamp(zoom, 1.0 / 256.0, 256.0);
    if (zoom == d->zoom)
        return;
    d->zoom = zoom;
    Q_EMIT viewSettingsChanged();
}

bool Viewer::fitToWindow() const { return d->zoom <= 0.0; }

double Viewer::exposure() const { return displaySettings().exposure; }

void Viewer::setExposure(double stops)
{
    if (!d->current)
        return setDefaultExposure(stops);
    DisplaySettings settings = d->current->displaySettings();
    stops = std::clamp(stops, -32.0, 32.0);
    if (stops == settings.exposure)
        return;
    settings.exposure = stops;
    d->current->setDisplaySettings(settings);
}

double Viewer::gamma() const { return displaySettings().gamma; }

void Viewer::setGamma(double gamma)
{
    if (!d->current)
        return setDefaultGamma(gamma);
    DisplaySettings settings = d->current->displaySettings();
    gamma = std::clamp(gamma, 0.1, 10.0);
    if (gamma == settings.gamma)
        return;
    settings.gamma = gamma;
    d->current->setDisplaySettings(settings);
}

double Viewer::defaultExposure() const { return d->exposure; }

void Viewer::setDefaultExposure(double stops)
{
    stops = std::clamp(stops, -32.0, 32.0);
    if (stops == d->exposure)
        return;
    d->exposure = stops;
    Q_EMIT viewSettingsChanged();
}

double Viewer::defaultGamma() const { return d->gamma; }

void Viewer::setDefaultGamma(double gamma)
{
    gamma = std::clamp(gamma, 0.1, 10.0);
    if (gamma == d->gamma)
        return;
    d->gamma = gamma;
    Q_EMIT viewSettingsChanged();
}

DisplaySettings Viewer::displaySettings() const
{
    if (d->current)
        return d->current->displaySettings();
    DisplaySettings settings;
    settings.exposure = d->exposure;
    settings.gamma = d->gamma;
    return settings;
}

void Viewer::setDisplaySettings(const DisplaySettings &settings)
{
    if (d->current)
        d->current->setDisplaySettings(settings);
}

void Viewer::autoLevels(const AutoLevelsOptions &options)
{
    d->follower->setOptions(options);
    if (!d->current || d->current->image().isNull())
        return;
    DisplaySettings settings = d->current->displaySettings();
    fitLevels(settings, d->current->image(), options);
    d->current->setDisplaySettings(settings);
}

AutoLevelsFollower *Viewer::autoLevelsFollower() const { return d->follower; }

void Viewer::initDisplaySettings()
{
    DisplayDefaults defaults = displayDefaultsFromSettings();
    defaults.exposure = d->exposure;
    defaults.gamma = d->gamma;
    for (Document *document : std::as_const(d->documents))
        if (!document->hasDisplaySettings())
            document->setDisplaySettings(defaultDisplaySettings(document->image(), defaults));
}

void Viewer::pixelsMayHaveChanged()
{
    for (Document *document : std::as_const(d->documents))
        document->image().markChanged();
    // Writes through NumPy are invisible to C++: once the changes pause,
    // compare each clean document's pixels with its saved fingerprint.
    d->modifiedCheck.start();
    Q_EMIT pixelsChanged();
}

void Viewer::checkForUnsavedEdits()
{
    for (Document *document : std::as_const(d->documents)) {
        if (document->isModified() || document->cleanHash() == 0)
            continue;
        // Hash a handle (not the Document) on a pool thread; the watcher
        // dies with the Viewer, the task only holds the buffer reference.
        auto *watcher = new QFutureWatcher<std::uint64_t>(this);
        QPointer<Document> guard(document);
        const std::uint64_t clean = document->cleanHash();
        connect(watcher, &QFutureWatcherBase::finished, this, [watcher, guard, clean] {
            if (guard && !guard->isModified() && guard->cleanHash() == clean && watcher->result() != clean)
                guard->setModified(true);
            watcher->deleteLater();
        });
        watcher->setFuture(QtConcurrent::run([image = document->image()] { return contentHash(image); }));
    }
}

} // namespace livepix::gui
