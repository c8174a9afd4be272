#include "recovery/recoverydialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace livepix::gui {

RecoveryDialog::RecoveryDialog(const QList<RecoveryEntry> &entries, QWidget *parent)
    : QDialog(parent), m_entries(entries)
{
    setWindowTitle(tr("Recover Unsaved Images"));
    setObjectName(QStringLiteral("RecoveryDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("<b>livepix did not quit normally.</b><br>"
                                "These images had unsaved changes. Restore them as they were at the last checkpoint?"),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_list = new QTreeWidget(this);
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setHeaderLabels({tr("Name"), tr("Size"), tr("Checkpoint"), tr("Original file")});
    for (const RecoveryEntry &entry : entries) {
        auto *item = new QTreeWidgetItem(m_list, {entry.name, entry.sizeText(), entry.timeText(),
                                                  entry.originalPath.isEmpty() ? tr("(never saved)") : entry.originalPath});
        item->setToolTip(0, entry.imagePath);
        item->setToolTip(3, entry.originalPath);
    }
    for (int column = 0; column < m_list->columnCount(); ++column)
        m_list->resizeColumnToContents(column);
    layout->addWidget(m_list, 1);

    auto *buttons = new QDialogButtonBox(this);
    m_restore = buttons->addButton(tr("&Restore"), QDialogButtonBox::AcceptRole);
    m_restore->setToolTip(tr("Open them as unsaved images; Save writes to the original file"));
    m_discard = buttons->addButton(tr("&Discard"), QDialogButtonBox::DestructiveRole);
    m_discard->setToolTip(tr("Delete these checkpoints for good"));
    m_later = buttons->addButton(tr("&Later"), QDialogButtonBox::RejectRole);
    m_later->setToolTip(tr("Keep them and ask again at the next start (or run livepix --recover)"));
    m_restore->setDefault(true);
    layout->addWidget(buttons);
    connect(m_restore, &QPushButton::clicked, this, [this] { finishWith(Answer::Restore); });
    connect(m_discard, &QPushButton::clicked, this, [this] { finishWith(Answer::Discard); });
    connect(m_later, &QPushButton::clicked, this, [this] { finishWith(Answer::Later); });
    resize(720, 300);
}

void RecoveryDialog::finishWith(Answer answer)
{
    m_answer = answer;
    if (answer == Answer::Restore)
        accept();
    else
        reject();
}

} // namespace livepix::gui
