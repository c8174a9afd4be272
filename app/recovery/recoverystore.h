#pragma once
// RecoveryStore: crash-recovery checkpoints on disk and the lock that says
// whose they are.
#include <QList>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>

#include <livepix/image.h>

#include "recovery/recoveryentry.h"

class QLockFile;

namespace livepix {
class WriteSnapshot;
}

namespace livepix::gui {

/// The recovery folder, `$XDG_STATE_HOME/livepix/recovery/` (by default
/// `~/.local/state/livepix/recovery/`), and this instance's part of it.
///
/// Layout: every running instance owns one folder `<root>/<pid>-<random>/`
/// holding its checkpoints, and holds `<root>/<pid>-<random>.lock` (a
/// QLockFile) for as long as it lives. A checkpoint is `<id>-<n>.tif`
/// (integer dtypes: OpenImageIO 2.4 would write integers to EXR as half) or
/// `<id>-<n>.exr` (float16, float32) plus the sidecar `<id>.json`, which
/// names the current image file; a new checkpoint is written under a new
/// `<n>` and the sidecar switched over atomically, so a crash at any moment
/// leaves a complete checkpoint. Channels are written as `c0000, c0001...`
/// (EXR sorts channels by name on reading, TIFF keeps no names) and their
/// real names live in the sidecar, so every channel comes back in order.
///
/// The lock is the liveness test: a folder whose lock can be taken belongs
/// to an instance that is gone (QLockFile recognises the lock of a dead pid,
/// also after kill -9 or a reboot), and only such folders are recoverable.
/// The instance folder and lock are made on the first checkpoint, so an
/// instance that never edits leaves no trace.
///
/// Threading: writeCheckpoint() may run on any thread (the Checkpointer
/// runs it on a pool thread), also for different ids at once; all other
/// member functions belong to the thread that made the store (the GUI
/// thread). The caller must not write and remove the same id at the same
/// time. The static functions may run on any thread.
class RecoveryStore {
public:
    /// `root` defaults to defaultRoot().
    explicit RecoveryStore(QString root = defaultRoot());
    /// Releases the lock; the files stay (see removeInstance()).
    ~RecoveryStore();
    RecoveryStore(const RecoveryStore &) = delete;
    RecoveryStore &operator=(const RecoveryStore &) = delete;

    /// `$XDG_STATE_HOME/livepix/recovery` when XDG_STATE_HOME is an absolute
    /// path (as the XDG spec requires), else `~/.local/state/livepix/recovery`.
    static QString defaultRoot();

    QString root() const { return m_root; }
    /// This instance's folder; empty until ensureInstance() succeeded.
    QString instanceDir() const { return m_instanceDir; }

    /// Makes this instance's lock and folder (once). False with *error set
    /// ("<folder>: <reason>") when the folder cannot be made or locked.
    bool ensureInstance(QString *error);

    /// Writes `snapshot` as checkpoint `id` (replacing the previous one of
    /// that id) and returns its entry. `hash` is contentHash(snapshot), or
    /// with `pinned` (then `snapshot` is a view of the pinned buffer) the
    /// hash of the pixels as pinned, which are the ones written.
    /// ensureInstance() must have succeeded. Throws ImageError naming the
    /// file and the reason (disk full, folder gone...); the previous
    /// checkpoint of `id` then stays as it was.
    RecoveryEntry writeCheckpoint(const QString &id, const Image &snapshot, std::uint64_t hash,
                                  const QString &originalPath, const QString &name,
                                  const WriteSnapshot *pinned = nullptr);
    /// Removes checkpoint `id` of this instance (no-op when there is none).
    void removeCheckpoint(const QString &id);
    /// Clean quit: removes this instance's folder and releases its lock.
    void removeInstance();
    /// Moves a recovered checkpoint (of a dead instance) into this
    /// instance's folder as checkpoint `id`, so it is protected by this
    /// instance's lock and no longer offered elsewhere. Returns the entry at
    /// its new place, or an entry with an empty imagePath and *error set.
    RecoveryEntry adopt(const RecoveryEntry &entry, const QString &id, QString *error);

    /// Checkpoints of instances that are gone, oldest first. Folders of
    /// living instances (and `exceptDir`) are skipped; folders of dead
    /// instances that hold no checkpoint are removed on the way.
    static QList<RecoveryEntry> listRecoverable(const QString &root = defaultRoot(), const QString &exceptDir = {});
    /// Reads a checkpoint back: the pixels exactly as written, with the
    /// channel names, dtype and path from the sidecar (the path is the
    /// document's original file, or empty). Throws ImageError naming the
    /// checkpoint file when it is missing, damaged or does not match its
    /// sidecar (size, dtype or pixel fingerprint).
    static Image load(const RecoveryEntry &entry);
    /// Deletes a recovered checkpoint (the user chose Discard), and its
    /// instance's folder once that holds no checkpoint.
    static void discard(const RecoveryEntry &entry);

private:
    QString m_root;
    QString m_instanceDir;
    std::unique_ptr<QLockFile> m_lock;
    std::atomic<std::uint64_t> m_sequence{0};
};

} // namespace livepix::gui
