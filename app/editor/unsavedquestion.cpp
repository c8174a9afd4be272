#include "editor/unsavedquestion.h"

#include <QCoreApplication>
#include <QMessageBox>

namespace livepix::gui {

UnsavedAnswer askWithMessageBox(QWidget *parent, const QString &name)
{
    const auto answer = QMessageBox::question(
        parent, QCoreApplication::translate("ScriptEditor", "Unsaved script"),
        QCoreApplication::translate("ScriptEditor", "Save changes to %1?").arg(name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return UnsavedAnswer::Save;
    return answer == QMessageBox::Discard ? UnsavedAnswer::Discard : UnsavedAnswer::Cancel;
}

} // namespace livepix::gui
