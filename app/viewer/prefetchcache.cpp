#include "viewer/prefetchcache.h"

#include <QFile>
#include <QFileInfo>
#include <QPromise>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>


namespace livepix::gui {

struct PrefetchCache::Slot {
    QFutureWatcher<Entry> watcher;
    QDateTime modified; // of the file when the load started
    qint64 fileSize = -1;
    std::size_t bytes = 0; // the image's, once loaded; the estimate before
};

PrefetchCache::PrefetchCache(QThreadPool *pool, QObject *parent) : QObject(parent), m_pool(pool) {}

PrefetchCache::~PrefetchCache()
{
    for (const auto &slot : std::as_const(m_slots))
        slot->watcher.cancel();
}

std::size_t PrefetchCache::budgetBytes()
{
    // A negative or absurd setting is clamped (0 .. 2^30 MiB) so the shift
    // cannot wrap around to a small budget.
    const qint64 mib = QSettings().value(QStringLiteral("browse/prefetchMiB"), 1024).toLongLong();
    return std::size_t(std::clamp<qint64>(mib, 0, qint64(1) << 30)) << 20;
}

std::size_t PrefetchCache::bytes() const
{
    std::size_t sum = 0;
    for (const auto &slot : m_slots)
        sum += slot->bytes;
    return sum;
}

void PrefetchCache::want(const QStringList &paths)
{
    m_order = paths;
    for (auto it = m_slots.begin(); it != m_slots.end();) {
        if (paths.contains(it.key())) {
            ++it;
            continue;
        }
        it.value()->watcher.cancel();
        it = m_slots.erase(it);
    }
    for (const QString &path : paths)
        if (!m_slots.contains(path) && bytes() < budgetBytes())
            start(path);
}

void PrefetchCache::start(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isFile())
        return;
    auto slot = std::make_shared<Slot>();
    slot->modified = info.lastModified();
    slot->fileSize = info.size();
    m_slots.insert(path, slot);
    connect(&slot->watcher, &QFutureWatcherBase::finished, this, [this, path, weak = std::weak_ptr<Slot>(slot)] {
        if (std::shared_ptr<Slot> done = weak.lock(); done && done->watcher.future().resultCount() > 0)
            {
            const Image &image = done->watcher.future().result().image;
            done->bytes = image.isNull() ? 0 : image.buffer()->size();
        }
        keepWithinBudget();
        Q_EMIT loaded(path);
    });
    // A failed prefetch holds no image: the file is opened (and its error
    // shown) when asked for.
    slot->watcher.setFuture(QtConcurrent::run(m_pool, [path](QPromise<Entry> &promise) {
        promise.addResult(loadFileWithHash(path, [&promise](float) { return !promise.isCanceled(); }));
    }));
}

void PrefetchCache::keepWithinBudget()
{
    // The image sizes are known once loaded: drop the least wanted until the
    // rest fits.
    for (qsizetype i = m_order.size() - 1; i >= 0 && bytes() > budgetBytes(); --i)
        m_slots.remove(m_order.at(i));
}

bool PrefetchCache::isReady(const QString &path) const
{
    auto it = m_slots.constFind(path);
    return it != m_slots.constEnd() && (*it)->watcher.isFinished() && (*it)->watcher.future().resultCount() > 0 &&
           !(*it)->watcher.future().result().image.isNull();
}

Image PrefetchCache::peek(const QString &path) const
{
    return isReady(path) ? m_slots.value(path)->watcher.future().result().image : Image();
}

std::optional<PrefetchCache::Entry> PrefetchCache::take(const QString &path)
{
    if (!isReady(path))
        return std::nullopt;
    std::shared_ptr<Slot> slot = m_slots.take(path);
    const QFileInfo info(path);
    if (!info.isFile() || info.lastModified() != slot->modified || info.size() != slot->fileSize)
        return std::nullopt; // changed on disk since: read it again
    ++m_hits;
    return slot->watcher.future().result();
}

} // namespace livepix::gui
