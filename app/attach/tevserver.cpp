#include "attach/tevserver.h"

#include <QHostAddress>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstring>

#include "attach/tevdocuments.h"
#include "attach/tevprotocol.h"

namespace livepix::gui {

namespace {

/// What Qt may buffer per socket before we read it: with it, a connection
/// holds at most one packet (tev::MaxPacketBytes) plus this much.
constexpr std::size_t MaxReadBytes = std::size_t(4) << 20;

/// `host` as an address: a literal, "localhost", or a name looked up once.
QHostAddress resolve(const QString &host)
{
    QHostAddress address(host);
    if (!address.isNull())
        return address;
    if (host == QLatin1String("localhost"))
        return QHostAddress(QHostAddress::LocalHost);
    const QHostInfo info = QHostInfo::fromName(host);
    return info.addresses().isEmpty() ? QHostAddress() : info.addresses().constFirst();
}

/// A Unix socket bound at `path`, mode 0600, listening; or -1 with *why set.
int bindListening(const QByteArray &path, QString *why)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::size_t(path.size()) >= sizeof(address.sun_path)) {
        *why = QStringLiteral("socket path %1 is longer than %2 bytes")
                   .arg(QFile::decodeName(path))
                   .arg(sizeof(address.sun_path) - 1);
        return -1;
    }
    std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *why = QStringLiteral("cannot create a socket: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return -1;
    }
    const char *step = nullptr;
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0)
        step = "bind";
    else if (::chmod(path.constData(), 0600) != 0)
        step = "chmod";
    else if (::listen(fd, SOMAXCONN) != 0)
        step = "listen";
    if (!step)
        return fd;
    *why = QStringLiteral("%1 %2: %3")
               .arg(QLatin1String(step), QFile::decodeName(path), QString::fromLocal8Bit(std::strerror(errno)));
    if (std::strcmp(step, "bind") != 0)
        ::unlink(path.constData());
    ::close(fd);
    return -1;
}

/// A Unix socket listening at `path` with mode 0600, or -1 with *why set.
/// It is bound, chmod-ed and listening under a hidden name in the same
/// folder first, then hard-linked to `path`: so `path` never names a socket
/// with another mode or one that refuses connections (QLocalServer's
/// UserAccessOption would publish it as 0700 first; between bind() and
/// listen() a client that found the file was refused). link() fails if
/// `path` was taken meanwhile, where a rename would replace another
/// server's socket. As the Python attach server does; the umask is
/// process-wide and left alone.
int listeningUnixSocket(const QString &path, QString *why)
{
    const QByteArray published = QFile::encodeName(path);
    const QByteArray hidden = QFile::encodeName(QFileInfo(path).dir().filePath(
        QStringLiteral(".tev-%1-%2.binding").arg(::getpid()).arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'))));
    const int fd = bindListening(hidden, why);
    if (fd < 0)
        return -1;
    const bool linked = ::link(hidden.constData(), published.constData()) == 0;
    const int linkError = errno;
    ::unlink(hidden.constData());
    if (linked)
        return fd;
    *why = linkError == EEXIST ? QStringLiteral("%1 is in use by another program").arg(path)
                               : QStringLiteral("link %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(linkError)));
    ::close(fd);
    return -1;
}

/// The inode of the file at `path`, or 0.
ino_t inodeOf(const QString &path)
{
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_ino : 0;
}

} // namespace

TevServer::TevServer(TevDocuments *documents, QObject *parent) : QObject(parent), m_documents(documents) {}

TevServer::~TevServer()
{
    for (const auto &connection : m_connections)
        connection->device->disconnect(this);
    // QLocalServer removes only the name it was bound to (the hidden one,
    // gone already); the published name goes here, unless another server
    // has taken it since.
    if (m_local && m_localInode != 0 && inodeOf(m_localPath) == m_localInode)
        QFile::remove(m_localPath);
}

bool TevServer::listen(const TevAddress &address, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("--tev %1: %2").arg(address.toString(), why);
        return false;
    };
    if (address.isUnix) {
        QString why;
        const QString path = address.socketPath(&why);
        if (path.isEmpty()) {
            if (error)
                *error = why;
            return false;
        }
        QLocalSocket probe; // a live server there keeps its socket
        probe.connectToServer(path);
        if (probe.waitForConnected(200))
            return fail(QStringLiteral("%1 is in use by another program").arg(path));
        QLocalServer::removeServer(path); // a stale socket from a crash
        const int fd = listeningUnixSocket(path, &why);
        if (fd < 0)
            return fail(why);
        m_local = new QLocalServer(this);
        m_local->listen(fd); // takes the descriptor
        m_localPath = path;
        m_localInode = inodeOf(path);
        connect(m_local, &QLocalServer::newConnection, this, &TevServer::acceptLocal);
        return true;
    }
    const QHostAddress host = resolve(address.host);
    if (host.isNull())
        return fail(QStringLiteral("cannot resolve host %1").arg(address.host));
    m_tcp = new QTcpServer(this);
    if (!m_tcp->listen(host, address.port))
        return fail(m_tcp->errorString());
    connect(m_tcp, &QTcpServer::newConnection, this, &TevServer::acceptTcp);
    return true;
}

QString TevServer::listeningOn() const
{
    if (m_local)
        return m_localPath;
    if (m_tcp)
        return TevAddress{false, m_tcp->serverAddress().toString(), m_tcp->serverPort(), {}}.toString();
    return {};
}

quint16 TevServer::tcpPort() const { return m_tcp ? m_tcp->serverPort() : 0; }

void TevServer::acceptTcp()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        socket->setReadBufferSize(qint64(MaxReadBytes));
        const QString peer = QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
        connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { peerClosed(socket); });
        addConnection(socket, peer);
    }
}

void TevServer::acceptLocal()
{
    while (QLocalSocket *socket = m_local->nextPendingConnection()) {
        socket->setReadBufferSize(qint64(MaxReadBytes));
        connect(socket, &QLocalSocket::disconnected, this, [this, socket] { peerClosed(socket); });
        addConnection(socket, QStringLiteral("%1 #%2").arg(m_localPath).arg(++m_localCount));
    }
}

void TevServer::addConnection(QIODevice *device, const QString &peer)
{
    auto connection = std::make_unique<Connection>();
    connection->device = device;
    connection->peer = peer;
    Connection *c = connection.get();
    m_connections.push_back(std::move(connection));
    connect(device, &QIODevice::readyRead, this, [this, c] { readFrom(c); });
    if (device->bytesAvailable() > 0)
        readFrom(c);
}

void TevServer::peerClosed(QIODevice *device)
{
    for (const auto &c : m_connections) {
        if (c->device != device)
            continue;
        if (readFrom(c.get())) // what arrived before the end
            finish(c.get(), c->size == 0 ? QString() : QStringLiteral("the stream ended inside a packet"));
        return;
    }
}

bool TevServer::readFrom(Connection *c)
{
    QString reason;
    // Everything available now, then every complete packet in it: the
    // images are marked changed once per read, not once per packet.
    while (reason.isEmpty() && c->device->bytesAvailable() > 0) {
        const qint64 available = c->device->bytesAvailable();
        const std::size_t needed = c->size + std::size_t(available);
        if (c->buffer.size() < needed) // doubling, so a large packet is not copied over and over
            c->buffer.resize(std::max(needed, std::min(2 * c->buffer.size(), tev::MaxPacketBytes + MaxReadBytes)));
        const qint64 got = c->device->read(c->buffer.data() + c->size, available);
        c->size += std::size_t(qMax<qint64>(got, 0));
        if (got < 0)
            reason = QStringLiteral("read error: %1").arg(c->device->errorString());
        else
            reason = consumePackets(c);
    }
    m_documents->endOfBatch();
    if (reason.isEmpty())
        return true;
    finish(c, reason);
    return false;
}

QString TevServer::consumePackets(Connection *c)
{
    QString reason;
    std::size_t pos = 0;
    while (reason.isEmpty()) {
        const auto *bytes = reinterpret_cast<const unsigned char *>(c->buffer.data()) + pos;
        const tev::Frame frame = tev::peekFrame(bytes, c->size - pos);
        if (frame.state == tev::Frame::State::NeedMore)
            break;
        if (frame.state == tev::Frame::State::Bad) {
            reason = QString::fromStdString(frame.error);
            break;
        }
        const tev::ParseResult parsed = tev::parsePacket(bytes, frame.length);
        reason = parsed.ok ? m_documents->apply(parsed.packet, c->peer) : QString::fromStdString(parsed.error);
        pos += frame.length;
    }
    if (pos > 0) { // the partial packet left (if any) moves to the front
        std::memmove(c->buffer.data(), c->buffer.data() + pos, c->size - pos);
        c->size -= pos;
    }
    return reason;
}

void TevServer::finish(Connection *c, const QString &reason)
{
    if (!reason.isEmpty())
        qWarning("livepix --tev: closing the connection from %s: %s", qPrintable(c->peer), qPrintable(reason));
    const QString peer = c->peer;
    QIODevice *device = c->device;
    device->disconnect(this);
    if (auto *tcp = qobject_cast<QTcpSocket *>(device))
        tcp->abort();
    else if (auto *local = qobject_cast<QLocalSocket *>(device))
        local->abort();
    device->deleteLater();
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        if (it->get() == c) {
            m_connections.erase(it);
            break;
        }
    }
    Q_EMIT connectionClosed(peer, reason);
}

} // namespace livepix::gui
