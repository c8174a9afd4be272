#include "editor/historyscript.h"

#include <QDateTime>

namespace livepix::gui {

QString historyScript(const QStringList &cells)
{
    QString text = QStringLiteral("# livepix console history, saved %1\n\n")
                       .arg(QDateTime::currentDateTime().toString(Qt::ISODate));
    for (const QString &cell : cells)
        text += cell.trimmed() + QStringLiteral("\n\n");
    return text;
}

} // namespace livepix::gui
