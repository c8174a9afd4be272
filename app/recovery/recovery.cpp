#include "recovery/recovery.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>

#include <cstdio>

#include <livepix/imageerror.h>

#include "recovery/checkpointer.h"
#include "recovery/recoverydialog.h"
#include "recovery/recoverystore.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

namespace livepix::gui {

Recovery::Recovery(Viewer *viewer, MainWindow *window, QObject *parent)
    : QObject(parent), m_viewer(viewer), m_window(window), m_store(std::make_shared<RecoveryStore>()),
      m_checkpointer(std::make_unique<Checkpointer>(viewer, m_store))
{
    if (!window)
        return;
    QMenu *file = window->fileMenu();
    auto *action = new QAction(tr("Recovery &Interval…"), file);
    action->setObjectName(QStringLiteral("recoveryInterval"));
    action->setStatusTip(tr("How often unsaved images are checkpointed for crash recovery"));
    connect(action, &QAction::triggered, this, &Recovery::showIntervalDialog);
    // Just above Quit, beside the other whole-program entries.
    QAction *quit = nullptr;
    for (QAction *candidate : file->actions())
        if (candidate->menuRole() == QAction::QuitRole)
            quit = candidate;
    file->insertAction(quit, action);
}

Recovery::~Recovery() = default;

QList<RecoveryEntry> Recovery::recoverable() const
{
    return RecoveryStore::listRecoverable(m_store->root(), m_store->instanceDir());
}

QList<Document *> Recovery::restore(const QList<RecoveryEntry> &entries, bool adopt, QStringList *errors)
{
    QList<Document *> documents;
    for (const RecoveryEntry &entry : entries) {
        Image image;
        try {
            image = RecoveryStore::load(entry);
        } catch (const std::exception &e) {
            errors->append(QString::fromStdString(e.what()));
            continue;
        }
        Document *document = m_viewer->show(image, entry.name);
        document->setFilePath(entry.originalPath);
        document->setModified(true);
        QString error;
        if (adopt && !m_checkpointer->adopt(document, entry, &error))
            errors->append(error); // the document is open; the checkpointer writes it anew
        documents << document;
    }
    return documents;
}

void Recovery::offer()
{
    const QList<RecoveryEntry> entries = recoverable();
    if (entries.isEmpty())
        return;
    auto *dialog = new RecoveryDialog(entries, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        switch (dialog->answer()) {
        case RecoveryDialog::Answer::Restore: {
            QStringList errors;
            restore(dialog->entries(), true, &errors);
            if (!errors.isEmpty())
                QMessageBox::warning(m_window, tr("Cannot restore every image"), errors.join(QLatin1Char('\n')));
            break;
        }
        case RecoveryDialog::Answer::Discard:
            for (const RecoveryEntry &entry : dialog->entries())
                RecoveryStore::discard(entry);
            break;
        case RecoveryDialog::Answer::Later:
            break;
        }
    });
    // open(), not exec(): startup goes on while the question waits.
    dialog->open();
}

void Recovery::showIntervalDialog()
{
    bool fromEnvironment = false;
    Checkpointer::configuredInterval(&fromEnvironment);
    bool ok = false;
    const int seconds = QInputDialog::getInt(
        m_window, tr("Recovery Interval"),
        tr("Checkpoint unsaved images for crash recovery every (seconds, 0 = never):") +
            (fromEnvironment ? tr("\n(LIVEPIX_AUTOSAVE_INTERVAL is set and wins at the next start.)") : QString()),
        m_checkpointer->interval(), 0, 24 * 3600, 5, &ok);
    if (!ok)
        return;
    Checkpointer::setIntervalSetting(seconds);
    m_checkpointer->setInterval(seconds);
}

int Recovery::printRecoverable()
{
    for (const RecoveryEntry &entry : RecoveryStore::listRecoverable())
        std::fprintf(stdout, "%s\n", qPrintable(entry.listLine()));
    std::fflush(stdout);
    return 0;
}

} // namespace livepix::gui
