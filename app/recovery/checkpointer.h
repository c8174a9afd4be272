#pragma once
// Checkpointer: writes unsaved documents to the recovery folder in the background.
#include <QFutureWatcher>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <memory>

#include "recovery/recoveryentry.h"

namespace livepix::gui {

class Document;
class RecoveryStore;
class Viewer;

/// Every interval() seconds, checkpoints each document with unsaved work (a
/// modified document, or one that never had a file: viewer.show()) into the
/// RecoveryStore, so that a crash or kill -9 loses at most one interval.
///
/// A round costs nothing for documents whose buffer revision did not move
/// since their last checkpoint. For the others it takes a snapshot
/// (Image::copy(), on the GUI thread, so the bytes written are one moment's
/// bytes even while a script keeps writing) and hands the snapshots to one
/// pool thread (QtConcurrent), which fingerprints each (contentHash) and
/// encodes only those whose pixels differ from their last checkpoint; the
/// GUI never waits for an encode. While a round's writes run, the next tick
/// is skipped. A checkpoint is removed when its document is saved
/// (Document::markedClean), loses its modified mark, or is closed; a write
/// that finishes after that is removed on arrival.
///
/// Threading: GUI thread only (the pool thread sees only snapshots and the
/// store's writeCheckpoint()). The destructor waits for a running write and
/// then removes this instance's folder: destruction is the clean quit.
class Checkpointer : public QObject {
    Q_OBJECT
public:
    static constexpr int DefaultIntervalSeconds = 30;

    /// Starts the timer with configuredInterval().
    Checkpointer(Viewer *viewer, std::shared_ptr<RecoveryStore> store, QObject *parent = nullptr);
    ~Checkpointer() override;

    /// Seconds between checkpoints: the environment variable
    /// LIVEPIX_AUTOSAVE_INTERVAL when it holds a whole number >= 0, else the
    /// setting "recovery/intervalSeconds", else DefaultIntervalSeconds.
    /// 0 turns checkpoints off. *fromEnvironment tells which one won.
    static int configuredInterval(bool *fromEnvironment = nullptr);
    /// Stores the setting (QSettings); the environment still overrides it.
    static void setIntervalSetting(int seconds);

    int interval() const { return m_intervalSeconds; }
    /// Restarts the timer with `seconds` (0: off). Does not touch the setting.
    void setInterval(int seconds);

    /// Runs a round now (what the timer does). False when the previous
    /// round's writes are still running (the round is skipped).
    bool checkpointNow();
    bool isWriting() const { return m_watcher.isRunning(); }
    /// Snapshots of the last round that were full copies because the write
    /// tracker could not pin the pixels (see WriteTracker::pin()); 0 normally.
    int lastRoundCopies() const { return m_lastRoundCopies; }
    /// The file of `document`'s current checkpoint, or empty.
    QString checkpointPath(Document *document) const;

    /// Makes a recovered checkpoint `document`'s own: moves it into this
    /// instance's folder (RecoveryStore::adopt) and remembers its revision
    /// and fingerprint, so it is not rewritten until the pixels change.
    bool adopt(Document *document, const RecoveryEntry &entry, QString *error);

Q_SIGNALS:
    /// A checkpoint was written (path of its image file).
    void checkpointWritten(const QString &imagePath);
    /// A checkpoint could not be written ("<file>: <reason>").
    void checkpointFailed(const QString &error);
    /// A round that wrote (or decided not to write) is complete.
    void roundFinished();

private:
    struct Record {
        QString id;
        std::uint64_t revision = 0;
        bool revisionKnown = false; ///< false until written, and after Document::imageReplaced
        std::uint64_t hash = 0;     ///< contentHash of the last checkpoint
        QString imagePath;          ///< empty: no checkpoint on disk
    };
    /// What the pool thread reports for one snapshot.
    struct Result {
        QString id;
        std::uint64_t revision = 0;
        std::uint64_t hash = 0;
        bool written = false;       ///< false: pixels equal the last checkpoint, or failed
        QString error;              ///< set when writing failed
        RecoveryEntry entry;        ///< when written
    };

    static bool needsCheckpoint(const Document *document);
    void watchDocuments();
    void reconsider(Document *document);
    void dropCheckpoint(Document *document);
    Record &recordFor(Document *document);
    void takeResults();

    Viewer *m_viewer;
    std::shared_ptr<RecoveryStore> m_store;
    QTimer m_timer;
    int m_intervalSeconds = 0;
    int m_lastRoundCopies = 0;
    int m_nextId = 0;
    QHash<Document *, Record> m_records;
    QSet<Document *> m_watched;
    QList<QPair<QPointer<Document>, QString>> m_inFlight; ///< documents and ids of the running round
    QFutureWatcher<QList<Result>> m_watcher;
};

} // namespace livepix::gui
