#include "recovery/recoveryentry.h"

namespace livepix::gui {

QString RecoveryEntry::sizeText() const
{
    return QStringLiteral("%1×%2, %3 ch, %4").arg(width).arg(height).arg(channels).arg(dtype);
}

QString RecoveryEntry::timeText() const
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm:ss"));
}

QString RecoveryEntry::listLine() const
{
    return QStringList{imagePath, name, sizeText(), timeText()}.join(QLatin1Char('\t'));
}

} // namespace livepix::gui
