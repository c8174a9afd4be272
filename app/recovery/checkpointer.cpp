#include "recovery/checkpointer.h"

#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/pinnedrows.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "recovery/recoverystore.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

namespace livepix::gui {

namespace {

const char *const IntervalKey = "recovery/intervalSeconds";
const char *const IntervalVariable = "LIVEPIX_AUTOSAVE_INTERVAL";

/// One snapshot for the pool thread: a deep copy, so nothing it reads is
/// shared with the GUI or a script.
struct Job {
    QString id;
    Image snapshot;                                // a view of the pinned pixels, or a copy
    std::shared_ptr<const WriteSnapshot> pinned;   // the write tracker's pin, or none
    std::uint64_t revision = 0;
    std::uint64_t lastHash = 0;
    QString originalPath;
    QString name;
};

} // namespace

Checkpointer::Checkpointer(Viewer *viewer, std::shared_ptr<RecoveryStore> store, QObject *parent)
    : QObject(parent), m_viewer(viewer), m_store(std::move(store))
{
    connect(&m_timer, &QTimer::timeout, this, &Checkpointer::checkpointNow);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &Checkpointer::takeResults);
    connect(viewer, &Viewer::documentsChanged, this, &Checkpointer::watchDocuments);
    watchDocuments();
    setInterval(configuredInterval());
}

Checkpointer::~Checkpointer()
{
    m_timer.stop();
    m_watcher.waitForFinished();
    m_store->removeInstance();
}

int Checkpointer::configuredInterval(bool *fromEnvironment)
{
    if (fromEnvironment)
        *fromEnvironment = false;
    if (qEnvironmentVariableIsSet(IntervalVariable)) {
        bool ok = false;
        const int seconds = qEnvironmentVariableIntValue(IntervalVariable, &ok);
        if (ok && seconds >= 0) {
            if (fromEnvironment)
                *fromEnvironment = true;
            return seconds;
        }
        qWarning("livepix: %s=%s: not a whole number of seconds >= 0; using the setting", IntervalVariable,
                 qgetenv(IntervalVariable).constData());
    }
    bool ok = false;
    const int seconds = QSettings().value(QLatin1String(IntervalKey), DefaultIntervalSeconds).toInt(&ok);
    return ok && seconds >= 0 ? seconds : DefaultIntervalSeconds;
}

void Checkpointer::setIntervalSetting(int seconds) { QSettings().setValue(QLatin1String(IntervalKey), seconds); }

void Checkpointer::setInterval(int seconds)
{
    m_intervalSeconds = std::max(0, seconds);
    if (m_intervalSeconds == 0)
        m_timer.stop();
    else
        m_timer.start(m_intervalSeconds * 1000);
}

bool Checkpointer::needsCheckpoint(const Document *document)
{
    // cleanHash 0: never loaded or saved (viewer.show()), so unsaved work.
    return document->isModified() || document->cleanHash() == 0;
}

Checkpointer::Record &Checkpointer::recordFor(Document *document)
{
    auto it = m_records.find(document);
    if (it == m_records.end()) {
        it = m_records.insert(document, Record{});
        it->id = QStringLiteral("d%1").arg(++m_nextId);
    }
    return *it;
}

void Checkpointer::watchDocuments()
{
    const QList<Document *> documents = m_viewer->documents();
    // Closed documents: their checkpoints go (closed without saving means
    // the user discarded the changes).
    const QSet<Document *> open(documents.begin(), documents.end());
    for (Document *document : m_watched - open) {
        dropCheckpoint(document);
        m_watched.remove(document);
    }
    for (Document *document : documents) {
        if (m_watched.contains(document))
            continue;
        m_watched.insert(document);
        connect(document, &Document::markedClean, this, [this, document] { reconsider(document); });
        connect(document, &Document::modifiedChanged, this, [this, document] { reconsider(document); });
        connect(document, &Document::imageReplaced, this, [this, document] {
            if (auto it = m_records.find(document); it != m_records.end())
                it->revisionKnown = false;
        });
    }
}

void Checkpointer::reconsider(Document *document)
{
    if (!needsCheckpoint(document))
        dropCheckpoint(document);
}

void Checkpointer::dropCheckpoint(Document *document)
{
    const auto it = m_records.find(document);
    if (it == m_records.end())
        return;
    // A write of it still running is removed when it arrives (takeResults):
    // the store must not write and remove one id at the same time.
    bool writing = false;
    for (const auto &flight : std::as_const(m_inFlight))
        writing = writing || flight.second == it->id;
    if (!writing || !m_watcher.isRunning())
        m_store->removeCheckpoint(it->id);
    m_records.erase(it);
}

QString Checkpointer::checkpointPath(Document *document) const
{
    return m_records.value(document).imagePath;
}

bool Checkpointer::checkpointNow()
{
    if (m_watcher.isRunning())
        return false;
    QList<Job> jobs;
    m_inFlight.clear();
    m_lastRoundCopies = 0;
    for (Document *document : m_viewer->documents()) {
        if (!needsCheckpoint(document)) {
            dropCheckpoint(document);
            continue;
        }
        Record &record = recordFor(document);
        const Image &image = document->image();
        if (image.isNull() || (record.revisionKnown && record.revision == image.revision()))
            continue; // nobody declared a write since the last checkpoint
        // Revision first, snapshot second: a write after it bumps the
        // revision again and the next round looks once more. The snapshot
        // is the write tracker's pin (no copy on the GUI thread; memory only
        // for chunks written while the checkpoint is written), else a copy.
        Job job{record.id, Image(), nullptr, image.revision(), record.hash, document->filePath(), document->name()};
        WriteTracker *tracker = image.buffer()->writeTracker();
        job.pinned = tracker ? tracker->pin() : nullptr;
        job.snapshot = job.pinned ? image.view(0, 0, image.width(), image.height()) : image.copy();
        m_lastRoundCopies += job.pinned ? 0 : 1;
        jobs << job;
        m_inFlight << qMakePair(QPointer<Document>(document), record.id);
    }
    if (jobs.isEmpty()) {
        Q_EMIT roundFinished();
        return true;
    }
    QString error;
    if (!m_store->ensureInstance(&error)) {
        m_inFlight.clear();
        qWarning("livepix: recovery: %s", qPrintable(error));
        Q_EMIT checkpointFailed(error);
        Q_EMIT roundFinished();
        return true;
    }
    // The task holds the store and the snapshots, never a Document.
    m_watcher.setFuture(QtConcurrent::run([store = m_store, jobs] {
        QList<Result> results;
        for (const Job &job : jobs) {
            const std::uint64_t hash =
                job.pinned ? pinnedContentHash(job.snapshot, *job.pinned) : contentHash(job.snapshot);
            Result result{job.id, job.revision, hash};
            if (result.hash != job.lastHash) {
                try {
                    result.entry = store->writeCheckpoint(job.id, job.snapshot, result.hash, job.originalPath,
                                                          job.name, job.pinned.get());
                    result.written = true;
                } catch (const std::exception &e) {
                    result.error = QString::fromStdString(e.what());
                }
            }
            results << result;
        }
        return results;
    }));
    return true;
}

void Checkpointer::takeResults()
{
    const QList<Result> results = m_watcher.result();
    for (const Result &result : results) {
        Document *document = nullptr;
        for (const auto &[guard, id] : std::as_const(m_inFlight))
            if (id == result.id)
                document = guard.data();
        const auto it = document ? m_records.find(document) : m_records.end();
        if (it == m_records.end() || it->id != result.id) {
            // Saved or closed while it was being written (dropCheckpoint
            // left its files to this moment).
            m_store->removeCheckpoint(result.id);
            continue;
        }
        if (!result.error.isEmpty()) {
            qWarning("livepix: recovery: %s", qPrintable(result.error));
            Q_EMIT checkpointFailed(result.error);
            continue;
        }
        it->revision = result.revision;
        it->revisionKnown = true;
        it->hash = result.hash;
        if (result.written) {
            it->imagePath = result.entry.imagePath;
            Q_EMIT checkpointWritten(result.entry.imagePath);
        }
    }
    m_inFlight.clear();
    Q_EMIT roundFinished();
}

bool Checkpointer::adopt(Document *document, const RecoveryEntry &entry, QString *error)
{
    Record &record = recordFor(document);
    const RecoveryEntry adopted = m_store->adopt(entry, record.id, error);
    if (adopted.imagePath.isEmpty()) {
        m_records.remove(document);
        return false;
    }
    record.revision = document->image().revision();
    record.revisionKnown = true;
    record.hash = adopted.hash;
    record.imagePath = adopted.imagePath;
    watchDocuments();
    return true;
}

} // namespace livepix::gui
