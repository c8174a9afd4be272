#pragma once
// PrefetchCache: images of a folder's neighbours, loaded before they are asked for.
#include <QDateTime>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>

#include <livepix/image.h>

#include "viewer/loadjob.h"

class QThreadPool;

namespace livepix::gui {

/// Loads the files it is told are wanted next (FolderBrowser: the current
/// image's neighbours in its folder) on a pool thread, so that stepping to
/// one of them makes its document from memory instead of reading the file.
///
/// Budget: the images kept stay within budgetBytes() (QSettings
/// "browse/prefetchMiB", default 1024 MiB): no load starts once the kept ones
/// reach it, and when a finished load takes them over it, the least wanted
/// are dropped (they are simply opened when asked for). Only the files of
/// the last want() are kept: the others are dropped (a load in flight is
/// cancelled and its result thrown away).
///
/// Freshness: an entry is used only while the file's size and modification
/// time are what they were when the load started.
///
/// Threading: GUI thread only; the loads run on the given pool and hold only
/// their own values.
class PrefetchCache : public QObject {
    Q_OBJECT
public:
    using Entry = LoadedFile;

    PrefetchCache(QThreadPool *pool, QObject *parent = nullptr);
    ~PrefetchCache() override;

    static std::size_t budgetBytes();
    /// Keeps and loads these files (absolute paths), in this order of priority.
    void want(const QStringList &paths);
    /// The prefetched image of `path` if it is ready and still fresh; the
    /// entry leaves the cache (the document owns the image from then on).
    std::optional<Entry> take(const QString &path);
    bool isReady(const QString &path) const;
    /// The prefetched image of `path` when ready (it stays in the cache), else null.
    Image peek(const QString &path) const;
    /// Bytes of the images held (loads in flight count once they finish).
    std::size_t bytes() const;
    /// Files held or loading, and how many take() calls found theirs ready.
    QStringList paths() const { return m_slots.keys(); }
    int hits() const { return m_hits; }

Q_SIGNALS:
    /// A prefetch finished (ready or failed); tests wait for it.
    void loaded(const QString &path);

private:
    struct Slot;
    void start(const QString &path);
    void keepWithinBudget();

    QThreadPool *m_pool;
    QHash<QString, std::shared_ptr<Slot>> m_slots;
    QStringList m_order; // the last want(), most wanted first
    int m_hits = 0;
};

} // namespace livepix::gui
