// TevServer + TevDocuments in process: real sockets (TCP on loopback and
// tev's Unix socket), packets written from the published layout.
#include <QImage>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <livepix/history.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <thread>

#include "attach/tevdocuments.h"
#include "attach/tevserver.h"
#include "tevpackets.h"
#include "viewer/document.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

const std::vector<std::string> RGBA = {"R", "G", "B", "A"};

float gradient(int c, int p) { return float(p % 64) / 63.0f + float(c); }

} // namespace

class TestTevServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void createAndUpdateWriteInPlace();
    void packetsSplitAcrossReadsAreReassembled();
    void integerImagesTakeScaledRoundedClampedValues();
    void unknownChannelsAndOutsideTilesAreSkipped();
    void burstBecomesOneBackgroundWritesStep();
    void badPacketClosesOnlyThatConnection_data();
    void badPacketClosesOnlyThatConnection();
    void closeImageClosesAnUnmodifiedImage();
    void closeImageKeepsEditsMadeInLivepix();
    void openAndReloadGoThroughTheLoader();
    void unixSocketIsUserOnly();
    void unixSocketNeedsXdgRuntimeDir();
    void unixSocketGoesWithTheServerAndOnlyItsOwn();
    void unixSocketIsNeverReachableWithAnotherMode();

private:
    std::unique_ptr<QTcpSocket> connectTcp();
    void send(QIODevice *socket, const QByteArray &bytes);
    Document *waitFor(const QString &name);

    std::unique_ptr<Viewer> m_viewer;
    TevDocuments *m_documents = nullptr;
    TevServer *m_server = nullptr;
};

void TestTevServer::init()
{
    m_viewer = std::make_unique<Viewer>();
    m_documents = new TevDocuments(m_viewer.get(), m_viewer.get());
    m_server = new TevServer(m_documents, m_viewer.get());
    TevAddress address;
    address.port = 0; // a free port
    QString error;
    QVERIFY2(m_server->listen(address, &error), qPrintable(error));
    QVERIFY(m_server->tcpPort() != 0);
}

void TestTevServer::cleanup() { m_viewer.reset(); }

std::unique_ptr<QTcpSocket> TestTevServer::connectTcp()
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
    if (!socket->waitForConnected(5000))
        return nullptr;
    return socket;
}

void TestTevServer::send(QIODevice *socket, const QByteArray &bytes)
{
    socket->write(bytes);
    if (auto *tcp = qobject_cast<QAbstractSocket *>(socket))
        QVERIFY(tcp->waitForBytesWritten(5000) || tcp->bytesToWrite() == 0);
    else if (auto *local = qobject_cast<QLocalSocket *>(socket))
        QVERIFY(local->waitForBytesWritten(5000) || local->bytesToWrite() == 0);
}

Document *TestTevServer::waitFor(const QString &name)
{
    QElapsedTimer timer;
    timer.start();
    while (!m_documents->find(name) && timer.elapsed() < 5000)
        QTest::qWait(5);
    return m_documents->find(name);
}

void TestTevServer::createAndUpdateWriteInPlace()
{
    auto client = connectTcp();
    QVERIFY(client);
    send(client.get(), tevtest::createImage("render", 64, 32, RGBA));
    Document *document = waitFor(QStringLiteral("render"));
    QVERIFY(document);
    const Image image = document->image();
    QCOMPARE(image.dtype(), DType::Float32);
    QCOMPARE(image.width(), 64);
    QCOMPARE(image.channelNames(), RGBA);
    QCOMPARE(m_viewer->current(), document);
    // Shown as tev shows it: scene-linear through the sRGB view, levels 0..1,
    // not levels fitted to the all-zero image it starts as.
    QVERIFY(document->displaySettings().sceneLinear);
    const std::uint8_t *pixels = image.data();
    const std::uint64_t revision = image.revision();
    // Two 32x32 tiles cover the image.
    send(client.get(), tevtest::updateV3("render", RGBA, 0, 0, 32, 32, [](int c, int p) { return gradient(c, p % 32); }));
    send(client.get(), tevtest::updateV3("render", RGBA, 32, 0, 32, 32,
                                         [](int c, int p) { return gradient(c, p % 32 + 32); }));
    QTRY_COMPARE(image.at<float>(63, 31, 0), gradient(0, 63));
    for (int x : {0, 17, 40, 63})
        for (int c = 0; c < 4; ++c)
            QCOMPARE(image.at<float>(x, 5, c), gradient(c, x));
    QCOMPARE(document->image().data(), pixels); // the same buffer: written in place
    QVERIFY(image.revision() > revision);      // marked changed, so the view repaints
}

void TestTevServer::packetsSplitAcrossReadsAreReassembled()
{
    auto client = connectTcp();
    QVERIFY(client);
    QByteArray stream = tevtest::createImage("split", 8, 8, {"Y"});
    stream += tevtest::updateV3("split", {"Y"}, 2, 3, 4, 4, [](int, int p) { return float(p); });
    // One byte at a time, each flushed separately.
    for (qsizetype i = 0; i < stream.size(); ++i) {
        send(client.get(), stream.mid(i, 1));
        if (i % 16 == 0)
            QTest::qWait(1);
    }
    Document *document = waitFor(QStringLiteral("split"));
    QVERIFY(document);
    QTRY_COMPARE(document->image().at<float>(5, 6, 0), 15.0f);
    QCOMPARE(document->image().at<float>(2, 3, 0), 0.0f);
    QCOMPARE(m_server->connectionCount(), 1);
}

void TestTevServer::integerImagesTakeScaledRoundedClampedValues()
{
    Image u8 = Image::create(4, 1, 1, DType::UInt8);
    u8.setChannelNames({"L"});
    Image u16 = Image::create(4, 1, 1, DType::UInt16);
    u16.setChannelNames({"L"});
    m_viewer->show(u8, QStringLiteral("u8"));
    m_viewer->show(u16, QStringLiteral("u16"));
    const std::vector<float> values = {-0.5f, 0.5f, 2.0f, std::numeric_limits<float>::quiet_NaN()};
    auto client = connectTcp();
    QVERIFY(client);
    auto value = [&](int, int p) { return values[std::size_t(p)]; };
    send(client.get(), tevtest::updateV3("u8", {"L"}, 0, 0, 4, 1, value));
    send(client.get(), tevtest::updateV3("u16", {"L"}, 0, 0, 4, 1, value));
    QTRY_COMPARE(u16.at<std::uint16_t>(2, 0, 0), std::uint16_t(65535));
    QCOMPARE(u8.at<std::uint8_t>(0, 0, 0), std::uint8_t(0));   // clamped
    QCOMPARE(u8.at<std::uint8_t>(1, 0, 0), std::uint8_t(128)); // 127.5 rounded, no transfer function
    QCOMPARE(u8.at<std::uint8_t>(2, 0, 0), std::uint8_t(255)); // clamped
    QCOMPARE(u8.at<std::uint8_t>(3, 0, 0), std::uint8_t(0));   // NaN
    QCOMPARE(u16.at<std::uint16_t>(1, 0, 0), std::uint16_t(32768));
}

void TestTevServer::unknownChannelsAndOutsideTilesAreSkipped()
{
    auto client = connectTcp();
    QVERIFY(client);
    send(client.get(), tevtest::createImage("rgb", 4, 4, {"R", "G", "B"}));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("UpdateImage 'rgb': no channel 'Z'; skipped"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("tile 3,3 2x2 does not fit into 4x4"));
    send(client.get(), tevtest::updateV3("rgb", {"Z", "G"}, 0, 0, 1, 1, [](int c, int) { return 1.0f + float(c); }));
    send(client.get(), tevtest::updateV3("rgb", {"R"}, 3, 3, 2, 2, [](int, int) { return 9.0f; }));
    send(client.get(), tevtest::updateV3("rgb", {"B"}, 3, 3, 1, 1, [](int, int) { return 7.0f; }));
    Document *document = waitFor(QStringLiteral("rgb"));
    QVERIFY(document);
    QTRY_COMPARE(document->image().at<float>(3, 3, 2), 7.0f);
    QCOMPARE(document->image().at<float>(0, 0, 1), 2.0f); // G named second, written
    QCOMPARE(document->image().at<float>(0, 0, 0), 0.0f);
    QCOMPARE(document->image().at<float>(3, 3, 0), 0.0f); // the outside tile wrote nothing
    QCOMPARE(m_server->connectionCount(), 1);             // and closed nothing
}

void TestTevServer::burstBecomesOneBackgroundWritesStep()
{
    auto client = connectTcp();
    QVERIFY(client);
    send(client.get(), tevtest::createImage("burst", 256, 256, RGBA));
    Document *document = waitFor(QStringLiteral("burst"));
    QVERIFY(document);
    for (int ty = 0; ty < 256; ty += 64)
        for (int tx = 0; tx < 256; tx += 64)
            send(client.get(), tevtest::updateV3("burst", RGBA, tx, ty, 64, 64, [](int c, int) { return 0.25f * float(c + 1); }));
    QTRY_COMPARE(document->image().at<float>(255, 255, 3), 1.0f);
    History *history = document->history();
    QTRY_COMPARE_WITH_TIMEOUT(history->position(), std::size_t(1), 5000);
    QTest::qWait(700); // no second step follows
    QCOMPARE(history->entries().size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(history->entries().at(0).label), WorkUnits::BackgroundLabel);
    // tev's writes are undoable, but are not the user's unsaved changes.
    QVERIFY(!document->isModified());
    QCOMPARE(m_viewer->undo(), Viewer::HistoryStep::Done);
    QCOMPARE(document->image().at<float>(255, 255, 3), 0.0f);
}

void TestTevServer::badPacketClosesOnlyThatConnection_data()
{
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<QString>("reason");
    QTest::newRow("oversized") << QByteArray("\xff\xff\xff\x7f\x04", 5) << "over the limit";
    QTest::newRow("unknown type") << tevtest::Bytes(42).str("x").bytes() << "unknown packet type 42";
    QTest::newRow("truncated string") << tevtest::Bytes(2).u8('x').bytes() << "NUL";
    QTest::newRow("update past its data")
        << tevtest::Bytes(6).boolean(0).str("keep").i32(1).str("R").i32(0).i32(0).i32(2).i32(2).i64(0).i64(1).f32(1).bytes()
        << "reads floats";
    QTest::newRow("too large to allocate")
        << tevtest::createImage("huge", 400000, 400000, RGBA) << "CreateImage 'huge'";
}

void TestTevServer::badPacketClosesOnlyThatConnection()
{
    QFETCH(QByteArray, bad);
    QFETCH(QString, reason);
    auto good = connectTcp();
    QVERIFY(good);
    send(good.get(), tevtest::createImage("keep", 2, 2, {"R"}));
    QVERIFY(waitFor(QStringLiteral("keep")));
    auto evil = connectTcp();
    QVERIFY(evil);
    QTRY_COMPARE(m_server->connectionCount(), 2);
    QSignalSpy closed(m_server, &TevServer::connectionClosed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("closing the connection from 127\\.0\\.0\\.1:\\d+: .*" +
                                                          QRegularExpression::escape(reason)));
    send(evil.get(), bad);
    QTRY_COMPARE(closed.size(), 1);
    QVERIFY(closed.at(0).at(1).toString().contains(reason));
    QTRY_COMPARE(evil->state(), QAbstractSocket::UnconnectedState);
    // The other connection and the image are untouched, and a new client works.
    QCOMPARE(m_server->connectionCount(), 1);
    send(good.get(), tevtest::updateV3("keep", {"R"}, 1, 1, 1, 1, [](int, int) { return 3.0f; }));
    QTRY_COMPARE(m_documents->find(QStringLiteral("keep"))->image().at<float>(1, 1, 0), 3.0f);
    auto next = connectTcp();
    QVERIFY(next);
    send(next.get(), tevtest::updateV3("keep", {"R"}, 0, 0, 1, 1, [](int, int) { return 4.0f; }));
    QTRY_COMPARE(m_documents->find(QStringLiteral("keep"))->image().at<float>(0, 0, 0), 4.0f);
}

void TestTevServer::closeImageClosesAnUnmodifiedImage()
{
    auto client = connectTcp();
    QVERIFY(client);
    send(client.get(), tevtest::createImage("a", 2, 2, {"R"}));
    send(client.get(), tevtest::createImage("b", 2, 2, {"R"}));
    QVERIFY(waitFor(QStringLiteral("b")));
    send(client.get(), tevtest::closeImage("a"));
    QTRY_VERIFY(!m_documents->find(QStringLiteral("a")));
    QVERIFY(m_documents->find(QStringLiteral("b")));
}

void TestTevServer::closeImageKeepsEditsMadeInLivepix()
{
    auto client = connectTcp();
    QVERIFY(client);
    send(client.get(), tevtest::createImage("edited", 2, 2, {"R"}));
    Document *document = waitFor(QStringLiteral("edited"));
    QVERIFY(document);
    // The user edits it in livepix (an unannounced write, as from NumPy).
    document->image().at<float>(0, 0, 0) = 42.0f;
    QTRY_VERIFY_WITH_TIMEOUT(document->isModified(), 5000);
    bool asked = false;
    m_documents->setAskToClose([&](Document *) {
        asked = true;
        return false; // the user answers Cancel
    });
    send(client.get(), tevtest::closeImage("edited"));
    QTRY_VERIFY(asked);
    QVERIFY(m_documents->find(QStringLiteral("edited")));
    // With nobody to ask (tests, batch runs) it stays open, with a reason.
    m_documents->setAskToClose({});
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("kept 'edited' open: it has changes made in livepix"));
    send(client.get(), tevtest::closeImage("edited"));
    QTest::qWait(200);
    QVERIFY(m_documents->find(QStringLiteral("edited")));
    QCOMPARE(document->image().at<float>(0, 0, 0), 42.0f);
}

void TestTevServer::openAndReloadGoThroughTheLoader()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("disk.png"));
    QImage gray(4, 2, QImage::Format_Grayscale8);
    gray.fill(10);
    QVERIFY(gray.save(path));
    auto client = connectTcp();
    QVERIFY(client);
    send(client.get(), tevtest::Bytes(7).boolean(true).str(path.toStdString()).str("").bytes()); // OpenImageV2
    Document *opened = waitFor(path); // matched by its file path, as tev names it
    QVERIFY(opened);
    QCOMPARE(opened->image().at<std::uint8_t>(0, 0, 0), std::uint8_t(10));
    // UpdateImage into a uint8 image: scaled by 255.
    send(client.get(), tevtest::updateV3(path.toStdString(), {opened->image().channelNames().at(0)}, 0, 0, 1, 1,
                                         [](int, int) { return 1.0f; }));
    QTRY_COMPARE(opened->image().at<std::uint8_t>(0, 0, 0), std::uint8_t(255));
    QTRY_VERIFY_WITH_TIMEOUT(opened->history()->position() == 1 && !opened->isModified(), 5000);
    // The file changes on disk; ReloadImage shows it and closes the old document.
    gray.fill(200);
    QVERIFY(gray.save(path));
    QPointer<Document> old = opened;
    send(client.get(), tevtest::Bytes(1).boolean(true).str(path.toStdString()).bytes());
    QTRY_VERIFY(old.isNull());
    Document *reloaded = m_documents->find(path);
    QVERIFY(reloaded);
    QCOMPARE(reloaded->image().at<std::uint8_t>(0, 0, 0), std::uint8_t(200));
    QCOMPARE(m_viewer->documents().size(), 1);
}

void TestTevServer::unixSocketIsUserOnly()
{
    QTemporaryDir runtime;
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
    TevServer server(m_documents);
    TevAddress address = *TevAddress::parse(QStringLiteral("unix:tst"));
    QString error;
    QVERIFY2(server.listen(address, &error), qPrintable(error));
    const QString path = runtime.filePath(QStringLiteral(".tev.tst.sock"));
    QCOMPARE(server.listeningOn(), path);
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, mode_t(0600));
    QLocalSocket client;
    client.connectToServer(path);
    QVERIFY(client.waitForConnected(5000));
    send(&client, tevtest::createImage("local", 2, 2, {"R"}));
    QVERIFY(waitFor(QStringLiteral("local")));
    qunsetenv("XDG_RUNTIME_DIR");
}

void TestTevServer::unixSocketNeedsXdgRuntimeDir()
{
    qunsetenv("XDG_RUNTIME_DIR");
    TevServer server(m_documents);
    QString error;
    QVERIFY(!server.listen(*TevAddress::parse(QStringLiteral("unix:x")), &error));
    QVERIFY2(error.contains(QLatin1String("XDG_RUNTIME_DIR")), qPrintable(error));
}

// The socket is bound under a hidden name and linked to its own once it
// listens: no hidden name is left, and the server removes its socket when it
// goes, but not a file another program put at that path since.
void TestTevServer::unixSocketGoesWithTheServerAndOnlyItsOwn()
{
    QTemporaryDir runtime;
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
    auto finishOnReturn = qScopeGuard([] { qunsetenv("XDG_RUNTIME_DIR"); });
    const QString path = runtime.filePath(QStringLiteral(".tev.own.sock"));
    const QDir folder(runtime.path());
    const auto entries = [&folder] {
        return folder.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    };
    QString error;
    {
        TevServer server(m_documents);
        QVERIFY2(server.listen(*TevAddress::parse(QStringLiteral("unix:own")), &error), qPrintable(error));
        QCOMPARE(server.listeningOn(), path);
        QCOMPARE(entries(), QStringList{QStringLiteral(".tev.own.sock")});
        QLocalSocket client;
        client.connectToServer(path);
        QVERIFY(client.waitForConnected(5000));
    }
    QVERIFY(entries().isEmpty());
    {
        TevServer server(m_documents);
        QVERIFY2(server.listen(*TevAddress::parse(QStringLiteral("unix:own")), &error), qPrintable(error));
        // Another program's file at the path (after ours was removed).
        QVERIFY(QFile::remove(path));
        QFile other(path);
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.close();
    }
    QCOMPARE(entries(), QStringList{QStringLiteral(".tev.own.sock")});
}

// Regression (CI, stop 22): the socket was published by QLocalServer with
// mode 0700 and chmod-ed to 0600 only after listen(), so a client spinning on
// connect() saw 0700. A thread connects as fast as it can while the server
// starts and stops 200 times (each time until it has connected once); every
// mode seen by a connected client counts. (It failed once more in CI at stop
// 26: stat() after connect() can see the next server's socket, which was
// bound, and not yet chmod-ed, at the same path. Now the path only ever
// names a socket already listening with mode 0600.)
void TestTevServer::unixSocketIsNeverReachableWithAnotherMode()
{
    QTemporaryDir runtime;
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
    const QByteArray path = QFile::encodeName(runtime.filePath(QStringLiteral(".tev.race.sock")));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), std::size_t(path.size()));
    std::atomic<bool> stop{false};
    std::atomic<int> connected{0};
    std::set<mode_t> modes; // written by the thread only, read after join()
    std::thread client([&] {
        while (!stop.load()) {
            const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
            if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0) {
                struct stat st {};
                if (::stat(path.constData(), &st) == 0)
                    modes.insert(st.st_mode & 0777);
                connected.fetch_add(1);
            }
            ::close(fd);
        }
    });
    const auto finish = [&] { // before the modes are read, and when a QVERIFY returns early
        stop.store(true);
        if (client.joinable())
            client.join();
        qunsetenv("XDG_RUNTIME_DIR");
    };
    auto finishOnReturn = qScopeGuard(finish);
    for (int i = 0; i < 200; ++i) {
        TevServer server(m_documents);
        QString error;
        const int before = connected.load();
        QVERIFY2(server.listen(*TevAddress::parse(QStringLiteral("unix:race")), &error), qPrintable(error));
        // Up for as long as the thread needs to reach it once (a loaded
        // machine may not schedule it at all within a short listen).
        QDeadlineTimer deadline(5000);
        while (connected.load() == before && !deadline.hasExpired())
            std::this_thread::yield();
        QVERIFY(connected.load() > before);
    }
    finish();
    QCOMPARE(modes, std::set<mode_t>{0600});
}

QTEST_MAIN(TestTevServer)
#include "tst_tevserver.moc"
