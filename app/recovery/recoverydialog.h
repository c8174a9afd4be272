#pragma once
// RecoveryDialog: "livepix did not quit normally" with Restore / Discard / Later.
#include <QDialog>
#include <QList>

#include "recovery/recoveryentry.h"

class QPushButton;
class QTreeWidget;

namespace livepix::gui {

/// Lists the checkpoints a crashed instance left (name, size, time, original
/// file) and asks what to do with them. Only asks: the caller acts on
/// answer() when finished() arrives.
///
/// Threading: GUI thread only.
class RecoveryDialog : public QDialog {
    Q_OBJECT
public:
    enum class Answer { Restore, Discard, Later };

    explicit RecoveryDialog(const QList<RecoveryEntry> &entries, QWidget *parent = nullptr);

    /// Later until a button was pressed (closing the window means Later).
    Answer answer() const { return m_answer; }
    QList<RecoveryEntry> entries() const { return m_entries; }

    QPushButton *restoreButton() const { return m_restore; }
    QPushButton *discardButton() const { return m_discard; }
    QPushButton *laterButton() const { return m_later; }
    QTreeWidget *list() const { return m_list; }

private:
    void finishWith(Answer answer);

    QList<RecoveryEntry> m_entries;
    Answer m_answer = Answer::Later;
    QTreeWidget *m_list;
    QPushButton *m_restore;
    QPushButton *m_discard;
    QPushButton *m_later;
};

} // namespace livepix::gui
