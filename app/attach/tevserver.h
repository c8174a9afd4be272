#pragma once
// TevServer: listens for tev's IPC protocol (TCP or tev's Unix socket).
#include <QObject>
#include <QString>

#include <sys/types.h>

#include <memory>
#include <vector>

#include "attach/tevaddress.h"

class QIODevice;
class QLocalServer;
class QTcpServer;

namespace livepix::gui {

class TevDocuments;

/// Accepts any number of connections at once and reassembles each one's
/// packets across partial reads (tev's length prefix); every complete packet
/// is parsed (livepix::tev::parsePacket) and handed to TevDocuments. A
/// packet that is malformed, truncated at the end of the stream, oversized
/// (tev::MaxPacketBytes) or of an unknown type, or one TevDocuments refuses,
/// closes that one connection: qWarning names the peer and the reason, and
/// connectionClosed() reports it. Other connections and every image stay.
///
/// Security: no authentication (as tev). A TCP port on loopback is open to
/// every local user; `unix:NAME` is a socket of mode 0600 in
/// $XDG_RUNTIME_DIR, reachable by this user only.
///
/// Threading: GUI thread only (sockets, the Viewer behind TevDocuments).
class TevServer : public QObject {
    Q_OBJECT
public:
    explicit TevServer(TevDocuments *documents, QObject *parent = nullptr);
    ~TevServer() override;

    /// Starts listening; false with *error set ("--tev ADDRESS: reason")
    /// when the address cannot be used (port taken, XDG_RUNTIME_DIR unset).
    bool listen(const TevAddress &address, QString *error);
    /// Where it listens: "127.0.0.1:14158" (the real port when 0 was asked)
    /// or the socket's path.
    QString listeningOn() const;
    quint16 tcpPort() const;
    int connectionCount() const { return int(m_connections.size()); }

Q_SIGNALS:
    /// A connection ended: `reason` is empty when the peer closed it cleanly.
    void connectionClosed(const QString &peer, const QString &reason);

private:
    struct Connection {
        QIODevice *device = nullptr; // a QTcpSocket or QLocalSocket, child of the server
        QString peer;
        // Received, not yet parsed: the first `size` bytes of `buffer`. The
        // allocation is kept and only grows (to the largest packet plus one
        // read): reallocating multi-MiB blocks per read would touch fresh
        // pages, which are slow on these VMs (ENVIRONMENT.md item 11).
        std::vector<char> buffer;
        std::size_t size = 0;
    };
    void acceptTcp();
    void acceptLocal();
    void addConnection(QIODevice *device, const QString &peer);
    /// Reads what arrived and applies its complete packets; false when
    /// that closed the connection (`connection` is gone then).
    bool readFrom(Connection *connection);
    /// The peer closed: applies what is left, then forgets the connection.
    void peerClosed(QIODevice *device);
    /// Parses and applies the complete packets at the front of the buffer;
    /// returns the reason to close the connection, or an empty string.
    QString consumePackets(Connection *connection);
    void finish(Connection *connection, const QString &reason);

    TevDocuments *m_documents;
    QTcpServer *m_tcp = nullptr;
    QLocalServer *m_local = nullptr;
    QString m_localPath;  // the published socket (QLocalServer knows the hidden name it was bound to)
    ino_t m_localInode = 0; // of m_localPath, so that only our own socket is removed
    std::vector<std::unique_ptr<Connection>> m_connections;
    int m_localCount = 0; // names Unix-socket peers, which have no address
};

} // namespace livepix::gui
