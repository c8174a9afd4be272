#pragma once
// Recovery: crash recovery for one running livepix (checkpoints, restore, dialog).
#include <QList>
#include <QObject>
#include <QStringList>

#include <memory>

#include "recovery/recoveryentry.h"

namespace livepix::gui {

class Checkpointer;
class Document;
class MainWindow;
class RecoveryStore;
class Viewer;

/// What Application starts for crash recovery: this instance's
/// RecoveryStore and Checkpointer, the File > Recovery Interval… entry,
/// and the two ways back: restore() (for --recover and the dialog's
/// Restore) and offer() (the RecoveryDialog at startup).
///
/// Restored checkpoints open as modified documents named as before, with
/// their original file as the path Save writes to (when they had one), and
/// pixels equal to the checkpoint bit for bit (RecoveryStore::load checks
/// the fingerprint).
///
/// Threading: GUI thread only. Destroying it is the clean quit: this
/// instance's checkpoints are removed (see Checkpointer).
class Recovery : public QObject {
    Q_OBJECT
public:
    /// `window` may be null (no menu entry, no dialog parent).
    Recovery(Viewer *viewer, MainWindow *window, QObject *parent = nullptr);
    ~Recovery() override;

    Checkpointer *checkpointer() const { return m_checkpointer.get(); }
    RecoveryStore *store() const { return m_store.get(); }

    /// Checkpoints of instances that are gone (never this one's).
    QList<RecoveryEntry> recoverable() const;

    /// Opens `entries` as modified documents. With `adopt`, each checkpoint
    /// moves into this instance (so it is offered nowhere else and goes
    /// when the document is saved or closed); without it (a batch run,
    /// which quits without asking) the checkpoints stay where they are.
    /// Returns the documents opened; failures go to *errors, one line each.
    QList<Document *> restore(const QList<RecoveryEntry> &entries, bool adopt, QStringList *errors);

    /// When there is anything to recover, shows the RecoveryDialog (window
    /// modal, without blocking) and acts on the answer: Restore opens them
    /// (adopted), Discard deletes them, Later keeps them for the next start.
    void offer();

    /// Asks for the checkpoint interval (File > Recovery Interval…).
    void showIntervalDialog();

    /// `livepix --list-recovery`: prints RecoveryEntry::listLine() of every
    /// recoverable checkpoint to stdout; returns the exit status (0).
    static int printRecoverable();

private:
    Viewer *m_viewer;
    MainWindow *m_window;
    std::shared_ptr<RecoveryStore> m_store;
    std::unique_ptr<Checkpointer> m_checkpointer;
};

} // namespace livepix::gui
