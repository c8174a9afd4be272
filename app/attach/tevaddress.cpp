#include "attach/tevaddress.h"

#include <QDir>
#include <QRegularExpression>

namespace livepix::gui {

namespace {

const QString UnixPrefix = QStringLiteral("unix:");

/// HOST:PORT with HOST a name or IPv4 address (no '/', no ':'), or
/// [IPV6]:PORT; either host may be empty (":PORT"); or a bare PORT.
const QRegularExpression &tcpShape()
{
    static const QRegularExpression re(QStringLiteral(R"(^(?:(\[[0-9A-Fa-f:.]+\]|[^/:\[\]]*):)?(\d{1,5})$)"));
    return re;
}

} // namespace

std::optional<TevAddress> TevAddress::parse(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    TevAddress address;
    if (text.isEmpty())
        return address;
    if (text.startsWith(UnixPrefix)) {
        address.isUnix = true;
        address.unixName = text.mid(UnixPrefix.size());
        if (address.unixName.isEmpty() || address.unixName.contains(QLatin1Char('/')))
            return fail(QStringLiteral("--tev %1: the socket name must be non-empty and have no '/'").arg(text));
        return address;
    }
    const QRegularExpressionMatch match = tcpShape().match(text);
    if (!match.hasMatch())
        return fail(QStringLiteral("--tev %1: expected HOST:PORT, :PORT, PORT or unix:NAME").arg(text));
    const uint port = match.captured(2).toUInt();
    if (port > 65535)
        return fail(QStringLiteral("--tev %1: port %2 is not in 0..65535").arg(text).arg(port));
    address.port = quint16(port);
    QString host = match.captured(1);
    if (host.startsWith(QLatin1Char('[')))
        host = host.mid(1, host.size() - 2);
    if (!host.isEmpty())
        address.host = host;
    return address;
}

bool TevAddress::looksLikeAddress(const QString &text)
{
    return text.startsWith(UnixPrefix) || tcpShape().match(text).hasMatch();
}

QString TevAddress::socketPath(QString *error) const
{
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (runtimeDir.isEmpty()) {
        if (error)
            *error = QStringLiteral("--tev unix:%1 needs XDG_RUNTIME_DIR (a folder only you can use); it is not set")
                         .arg(unixName);
        return {};
    }
    return QDir(runtimeDir).filePath(QStringLiteral(".tev.%1.sock").arg(unixName));
}

QString TevAddress::toString() const
{
    if (isUnix)
        return UnixPrefix + unixName;
    if (host.contains(QLatin1Char(':')))
        return QStringLiteral("[%1]:%2").arg(host).arg(port);
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

} // namespace livepix::gui
