#include "viewer/viewer.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

#include <livepix/contenthash.h>

#include "display/autolevelsfollower.h"
#include "display/displaydefaults.h"
#include "viewer/comparecontroller.h"
#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/backgroundwrites.h"
#include "viewer/prefetchcache.h"
#include "viewer/savejob.h"
#include "viewer/workunits.h"

namespace livepix::gui {

struct Viewer::Private {
    QList<Document *> documents;
    Document *current = nullptr;
    double zoom = 0.0;
    double exposure = 0.0;
    double gamma = 1.0;
    QList<LoadJob *> loads; // unfinished, in the order asked for
    QList<SaveJob *> saves; // unfinished, in the order asked for
    QThreadPool loadPool;   // loads run side by side...
    QThreadPool savePool;   // ...saves one at a time (see saveAsync)
    QThreadPool prefetchPool;           // the folder browser's loads, apart from the user's
    PrefetchCache *prefetch = nullptr;  // made on first use (prefetchCache())
    bool finishingLoads = false; // finishLoadedJobs() is on the stack
    AutoLevelsFollower *follower = nullptr;
    WorkUnits *units = nullptr;
    BackgroundWrites *background = nullptr;
    QMetaObject::Connection currentSettings; // current document -> viewSettingsChanged
};

Viewer::Viewer(QObject *parent) : QObject(parent), d(new Private)
{
    d->savePool.setMaxThreadCount(1);
    d->units = new WorkUnits(this);
    d->background = new BackgroundWrites(this, d->units);
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

WorkUnits *Viewer::workUnits() const { return d->units; }

PrefetchCache *Viewer::prefetchCache()
{
    if (!d->prefetch) {
        d->prefetchPool.setMaxThreadCount(1); // behind the user's own loads
        d->prefetch = new PrefetchCache(&d->prefetchPool, this);
    }
    return d->prefetch;
}

void Viewer::adopt(Document *document)
{
    d->documents.append(document);
    d->units->track(document);
    connect(document, &Document::imageReplaced, this, [this, document] {
        d->units->untrack(document);
        d->units->track(document);
    });
}

Viewer::~Viewer()
{
    delete d->prefetch; // cancels its loads before the pool waits for them
    d->prefetch = nullptr;
    cancelLoad();
    // A save that started completes: its file is what the user asked for.
    waitForJobs(-1);
    // The jobs (children) go after this; their tasks are over.
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

LoadJob *Viewer::openAsync(const QString &path)
{
    // A file the folder browser prefetched opens from memory.
    std::optional<PrefetchCache::Entry> prefetched = d->prefetch ? d->prefetch->take(QFileInfo(path).absoluteFilePath())
                                                                 : std::nullopt;
    auto *job = prefetched ? new LoadJob(path, std::move(prefetched->image), prefetched->hash, this)
                           : new LoadJob(path, &d->loadPool, this);
    d->loads.append(job);
    connect(job, &LoadJob::progressChanged, this, [this, job](double progress) {
        Q_EMIT loadProgress(job->path(), progress);
    });
    connect(&job->m_watcher, &QFutureWatcherBase::finished, this, &Viewer::finishLoadedJobs);
    Q_EMIT loadStarted(path);
    return job;
}

void Viewer::finishLoadedJobs()
{
    // Finish jobs in the order asked for: a job whose load ended early waits
    // for the ones before it. Slots of finished() may open, close or cancel
    // anything (even show a dialog that runs an event loop, in which another
    // load ends): the outer call then carries on with the queue.
    if (d->finishingLoads)
        return;
    d->finishingLoads = true;
    while (!d->loads.isEmpty() && d->loads.first()->isLoaded()) {
        LoadJob *job = d->loads.takeFirst();
        LoadJob::Loaded loaded = job->takeLoaded();
        Document *document = nullptr;
        if (!loaded.image.isNull()) {
            const QFileInfo info(job->path());
            document = new Document(loaded.image, info.fileName(), this);
            document->setFilePath(info.absoluteFilePath());
            document->markClean(loaded.hash);
            adopt(document);
            d->zoom = 0.0; // a newly opened image starts fitted to the window
            Q_EMIT documentsChanged();
            Q_EMIT viewSettingsChanged();
            setCurrent(document);
        }
        Q_EMIT loadFinished(job->path());
        job->finish(document, loaded.error);
        job->deleteLater();
    }
    d->finishingLoads = false;
    emitJobsFinishedIfIdle();
}

Document *Viewer::show(const Image &image, const QString &name)
{
    if (image.isNull())
        return nullptr;
    auto *document = new Document(image, name, this);
    adopt(document);
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
    d->units->untrack(document);
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

bool Viewer::isLoading() const { return !d->loads.isEmpty(); }

void Viewer::cancelLoad()
{
    for (LoadJob *job : std::as_const(d->loads))
        job->cancel();
}

SaveJob *Viewer::saveAsync(Document *document, const QString &path, const SaveOptions &options)
{
    if (!document)
        return nullptr;
    // The file gets the pixels of the history's current state: writes so
    // far become their step first, so the clean mark can name that state.
    d->units->cut();
    const std::uint64_t state = document->history() ? document->history()->stateId() : 0;
    auto *job = new SaveJob(document, path, options, &d->savePool, this);
    job->setProperty("livepix_history_state", QVariant::fromValue<quint64>(state));
    d->saves.append(job);
    connect(job, &SaveJob::progressChanged, this, [this, job](double progress) {
        Q_EMIT saveProgress(job->path(), progress);
    });
    connect(&job->m_watcher, &QFutureWatcherBase::finished, this, [this, job] { finishSaveJob(job); });
    Q_EMIT saveStarted(path);
    return job;
}

void Viewer::finishSaveJob(SaveJob *job)
{
    d->saves.removeOne(job);
    job->takeOutcome();
    Document *document = job->document();
    if (job->succeeded() && document) {
        const QFileInfo info(job->path());
        document->setFilePath(info.absoluteFilePath());
        document->setName(info.fileName());
        // Pixels written while the save ran are not in the file: they are
        // (or will be) later steps, so the document stays modified.
        document->markCleanAt(job->property("livepix_history_state").toULongLong(), job->hash());
    }
    Q_EMIT saveFinished(job->path(), job->succeeded());
    job->finish();
    job->deleteLater();
    emitJobsFinishedIfIdle();
}

bool Viewer::isSaving() const { return !d->saves.isEmpty(); }

void Viewer::cancelSaves()
{
    for (SaveJob *job : std::as_const(d->saves))
        job->cancel();
}

bool Viewer::hasRunningJobs() const { return isLoading() || isSaving(); }

bool Viewer::waitForJobs(int msecs)
{
    const QDeadlineTimer deadline(msecs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(msecs));
    return d->savePool.waitForDone(int(deadline.remainingTime())) &&
           d->loadPool.waitForDone(int(deadline.remainingTime()));
}

void Viewer::emitJobsFinishedIfIdle()
{
    if (!hasRunningJobs())
        Q_EMIT jobsFinished();
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
    // Fit what the canvas shows: in a difference compare mode, the difference.
    const Image values = CompareController::forViewer(this)->levelsSource(d->current);
    if (values.isNull())
        return;
    DisplaySettings settings = d->current->displaySettings();
    fitLevels(settings, values, options);
    d->current->setDisplaySettings(settings);
}

AutoLevelsFollower *Viewer::autoLevelsFollower() const { return d->follower; }

DisplaySettings Viewer::displaySettingsForNew(const Image &image) const
{
    DisplayDefaults defaults = displayDefaultsFromSettings();
    defaults.exposure = d->exposure;
    defaults.gamma = d->gamma;
    return defaultDisplaySettings(image, defaults);
}

void Viewer::initDisplaySettings()
{
    for (Document *document : std::as_const(d->documents))
        if (!document->hasDisplaySettings())
            document->setDisplaySettings(displaySettingsForNew(document->image()));
}

bool Viewer::settleHistory(bool fromCode)
{
    d->units->drain();
    if (!fromCode && d->units->isOpen())
        return false;
    d->units->commitBackground(); // writes not yet in a step are what undo takes back first
    return true;
}

Viewer::HistoryStep Viewer::stepHistoryTo(Document *document, std::size_t position)
{
    History *history = document && d->documents.contains(document) ? document->history() : nullptr;
    if (!history || history->position() == position || position > history->count())
        return HistoryStep::NothingToDo;
    history->jumpTo(position);
    document->historyChanged();
    pixelsMayHaveChanged();
    return HistoryStep::Done;
}

Viewer::HistoryStep Viewer::jumpTo(Document *document, std::size_t position, bool fromCode)
{
    if (!settleHistory(fromCode))
        return HistoryStep::Busy;
    return stepHistoryTo(document, position);
}

Viewer::HistoryStep Viewer::undo(bool fromCode)
{
    if (!settleHistory(fromCode))
        return HistoryStep::Busy;
    History *history = d->current ? d->current->history() : nullptr;
    if (!history || !history->canUndo())
        return HistoryStep::NothingToDo;
    return stepHistoryTo(d->current, history->position() - 1);
}

Viewer::HistoryStep Viewer::redo(bool fromCode)
{
    if (!settleHistory(fromCode))
        return HistoryStep::Busy;
    History *history = d->current ? d->current->history() : nullptr;
    if (!history || !history->canRedo())
        return HistoryStep::NothingToDo;
    return stepHistoryTo(d->current, history->position() + 1);
}

void Viewer::pixelsMayHaveChanged()
{
    bool changed = false;
    for (Document *document : std::as_const(d->documents))
        changed |= document->markPixelsMayHaveChanged();
    if (changed)
        Q_EMIT pixelsChanged();
}

} // namespace livepix::gui
