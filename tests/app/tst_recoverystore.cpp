// RecoveryStore: checkpoints on disk, the per-instance lock, what is
// recoverable (only dead instances' checkpoints) and what goes when.
#include <QtTest>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <thread>

#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include "recovery/checkpointer.h"
#include "recovery/recoverystore.h"
#include "testsupport.h"

using namespace livepix;
using namespace livepix::gui;
using testsupport::makeTestImage;
using testsupport::pixelDifference;

namespace {

const char *const ChildVariable = "LIVEPIX_RECOVERY_TEST_CHILD";

/// Pixels the child instance checkpoints, so the parent can check them.
Image childImage() { return makeTestImage(21, 13, 3, DType::UInt8, 99); }

/// Child mode: an instance that writes one checkpoint into the root named
/// by ChildVariable, says "ready" and lives until it is killed.
int runChild(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    RecoveryStore store(qEnvironmentVariable(ChildVariable));
    QString error;
    if (!store.ensureInstance(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const Image image = childImage();
    store.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), QStringLiteral("/tmp/child.png"),
                          QStringLiteral("child.png"));
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;)
        std::this_thread::sleep_for(std::chrono::seconds(1));
}

QString setEnv(const char *name, const QString &value)
{
    const QString old = qEnvironmentVariable(name);
    if (value.isNull())
        qunsetenv(name);
    else
        qputenv(name, value.toLocal8Bit());
    return old;
}

} // namespace

class TestRecoveryStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void rootFollowsXdgStateHome_data();
    void rootFollowsXdgStateHome();
    void checkpointRoundTripsBitForBit_data();
    void checkpointRoundTripsBitForBit();
    void sidecarDescribesTheDocument();
    void newCheckpointReplacesTheOld();
    void livingInstanceIsNotRecoverable();
    void killedInstanceIsRecoverable();
    void removeCheckpointAndInstance();
    void discardRemovesDeadFolder();
    void adoptMovesIntoOwnFolder();
    void damagedCheckpointIsRefused();
    void intervalEnvironmentOverridesSetting_data();
    void intervalEnvironmentOverridesSetting();

private:
    QString root() const { return m_dir->filePath(QStringLiteral("recovery")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestRecoveryStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestRecoveryStore::rootFollowsXdgStateHome_data()
{
    QTest::addColumn<QString>("xdg");
    QTest::addColumn<QString>("expected");
    QTest::newRow("set") << QStringLiteral("/some/state") << QStringLiteral("/some/state/livepix/recovery");
    QTest::newRow("unset") << QString() << QDir::homePath() + QStringLiteral("/.local/state/livepix/recovery");
    QTest::newRow("empty") << QStringLiteral("") << QDir::homePath() + QStringLiteral("/.local/state/livepix/recovery");
    // The XDG spec: a relative path is invalid and must be ignored.
    QTest::newRow("relative") << QStringLiteral("state") << QDir::homePath() + QStringLiteral("/.local/state/livepix/recovery");
}

void TestRecoveryStore::rootFollowsXdgStateHome()
{
    QFETCH(QString, xdg);
    QFETCH(QString, expected);
    const QString old = setEnv("XDG_STATE_HOME", xdg);
    const QString root = RecoveryStore::defaultRoot();
    setEnv("XDG_STATE_HOME", old.isEmpty() ? QString() : old);
    QCOMPARE(root, expected);
    QCOMPARE(RecoveryStore().root(), RecoveryStore::defaultRoot());
}

void TestRecoveryStore::checkpointRoundTripsBitForBit_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QString>("suffix");
    const auto row = [](const char *tag, int channels, DType type, QStringList names, const char *suffix) {
        QTest::newRow(tag) << channels << int(type) << names << QString::fromLatin1(suffix);
    };
    // Integers go to TIFF (OpenImageIO 2.4 writes integers to EXR as half).
    row("uint8 RGBA", 4, DType::UInt8, {"R", "G", "B", "A"}, "tif");
    row("uint8 gray", 1, DType::UInt8, {"Y"}, "tif");
    row("uint16 RGB", 3, DType::UInt16, {"R", "G", "B"}, "tif");
    row("float16 RGBA", 4, DType::Float16, {"R", "G", "B", "A"}, "exr");
    row("float32 RGB", 3, DType::Float32, {"R", "G", "B"}, "exr");
    // EXR sorts channels by name and TIFF keeps no names: order and names
    // must still come back as they were.
    row("float32 5ch named out of order", 5, DType::Float32, {"depth", "Z", "R", "alpha", "B"}, "exr");
    row("uint16 6ch", 6, DType::UInt16, {"R", "G", "B", "A", "4", "mask"}, "tif");
    row("float16 2ch", 2, DType::Float16, {"Y", "A"}, "exr");
}

void TestRecoveryStore::checkpointRoundTripsBitForBit()
{
    QFETCH(int, channels);
    QFETCH(int, dtype);
    QFETCH(QStringList, names);
    QFETCH(QString, suffix);
    Image image = makeTestImage(37, 23, channels, DType(dtype));
    std::vector<std::string> stdNames;
    for (const QString &name : names)
        stdNames.push_back(name.toStdString());
    image.setChannelNames(stdNames);

    RecoveryStore store(root());
    QString error;
    QVERIFY2(store.ensureInstance(&error), qPrintable(error));
    const RecoveryEntry entry =
        store.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), QString(), QStringLiteral("x"));
    QCOMPARE(QFileInfo(entry.imagePath).suffix(), suffix);
    QVERIFY(entry.imagePath.startsWith(store.instanceDir() + QLatin1Char('/')));

    const Image restored = RecoveryStore::load(entry);
    QCOMPARE(pixelDifference(restored, image), QString());
    QCOMPARE(restored.dtype(), image.dtype());
    QCOMPARE(restored.channelNames(), image.channelNames());
}

void TestRecoveryStore::sidecarDescribesTheDocument()
{
    RecoveryStore store(root());
    QString error;
    QVERIFY(store.ensureInstance(&error));
    const Image image = makeTestImage(8, 5, 4, DType::Float32);
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    const RecoveryEntry entry = store.writeCheckpoint(QStringLiteral("d7"), image, contentHash(image),
                                                      QStringLiteral("/photos/a b.exr"), QStringLiteral("a b.exr"));
    QFile file(entry.sidecarPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(o.value("originalPath").toString(), QStringLiteral("/photos/a b.exr"));
    QCOMPARE(o.value("name").toString(), QStringLiteral("a b.exr"));
    QCOMPARE(o.value("dtype").toString(), QStringLiteral("float32"));
    QCOMPARE(o.value("width").toInt(), 8);
    QCOMPARE(o.value("height").toInt(), 5);
    QCOMPARE(o.value("channels").toInt(), 4);
    QCOMPARE(o.value("pid").toInteger(), QCoreApplication::applicationPid());
    QCOMPARE(o.value("image").toString(), QFileInfo(entry.imagePath).fileName());
    const QDateTime time = QDateTime::fromString(o.value("time").toString(), Qt::ISODateWithMs);
    QVERIFY(time >= before && time <= QDateTime::currentDateTimeUtc());
    QCOMPARE(entry.sizeText(), QStringLiteral("8×5, 4 ch, float32"));
    QVERIFY(entry.listLine().startsWith(entry.imagePath + QStringLiteral("\ta b.exr\t8×5, 4 ch, float32\t")));
}

void TestRecoveryStore::newCheckpointReplacesTheOld()
{
    RecoveryStore store(root());
    QString error;
    QVERIFY(store.ensureInstance(&error));
    Image image = makeTestImage(16, 16, 3, DType::UInt8);
    const RecoveryEntry first = store.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), {}, "x");
    // A script turns it into float: the checkpoint changes format too.
    Image second = makeTestImage(16, 16, 3, DType::Float32, 3);
    const RecoveryEntry entry = store.writeCheckpoint(QStringLiteral("d1"), second, contentHash(second), {}, "x");
    QVERIFY(!QFileInfo::exists(first.imagePath));
    QVERIFY(QFileInfo::exists(entry.imagePath));
    const QStringList files = QDir(store.instanceDir()).entryList(QDir::Files);
    QCOMPARE(files, (QStringList{QFileInfo(entry.imagePath).fileName(), QStringLiteral("d1.json")}));
    QCOMPARE(pixelDifference(RecoveryStore::load(entry), second), QString());
}

void TestRecoveryStore::livingInstanceIsNotRecoverable()
{
    // Another store in this very process stands for a living instance: its
    // lock is held by a running pid.
    RecoveryStore living(root());
    QString error;
    QVERIFY(living.ensureInstance(&error));
    const Image image = makeTestImage(4, 4, 1, DType::UInt8);
    living.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), {}, "x");
    QVERIFY(QFileInfo::exists(living.instanceDir() + QStringLiteral(".lock")));
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 0);
    QVERIFY(QFileInfo::exists(living.instanceDir())); // and listing left it alone
}

void TestRecoveryStore::killedInstanceIsRecoverable()
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(ChildVariable), root());
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForStarted());
    QVERIFY(child.waitForReadyRead(30000));
    QCOMPARE(child.readLine().trimmed(), QByteArray("ready"));

    // Alive: its checkpoint is its own.
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 0);

    const qint64 pid = child.processId();
    ::kill(pid_t(pid), SIGKILL); // no destructor, no unlock: as after a crash
    QVERIFY(child.waitForFinished());
    const QList<RecoveryEntry> entries = RecoveryStore::listRecoverable(root());
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().pid, pid);
    QCOMPARE(entries.first().name, QStringLiteral("child.png"));
    QCOMPARE(entries.first().originalPath, QStringLiteral("/tmp/child.png"));
    const Image restored = RecoveryStore::load(entries.first());
    QCOMPARE(pixelDifference(restored, childImage()), QString());
    QCOMPARE(QString::fromStdString(restored.path()), QStringLiteral("/tmp/child.png"));
    // Listing again offers it again (Later keeps it).
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 1);
}

void TestRecoveryStore::removeCheckpointAndInstance()
{
    RecoveryStore store(root());
    QString error;
    QVERIFY(store.ensureInstance(&error));
    const Image image = makeTestImage(4, 4, 1, DType::UInt16);
    const RecoveryEntry a = store.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), {}, "a");
    const RecoveryEntry b = store.writeCheckpoint(QStringLiteral("d10"), image, contentHash(image), {}, "b");
    store.removeCheckpoint(QStringLiteral("d1"));
    QVERIFY(!QFileInfo::exists(a.imagePath));
    QVERIFY(!QFileInfo::exists(a.sidecarPath));
    QVERIFY(QFileInfo::exists(b.imagePath)); // "d1" is no prefix match for "d10"
    const QString dir = store.instanceDir();
    store.removeInstance();
    QVERIFY(!QFileInfo::exists(dir));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral(".lock")));
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 0);
}

void TestRecoveryStore::discardRemovesDeadFolder()
{
    QString dir;
    {
        // Released without removeInstance(): its lock is free, as a dead
        // instance's is.
        RecoveryStore gone(root());
        QString error;
        QVERIFY(gone.ensureInstance(&error));
        const Image image = makeTestImage(4, 4, 3, DType::UInt8);
        gone.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), {}, "a");
        gone.writeCheckpoint(QStringLiteral("d2"), image, contentHash(image), {}, "b");
        dir = gone.instanceDir();
    }
    QList<RecoveryEntry> entries = RecoveryStore::listRecoverable(root());
    QCOMPARE(entries.size(), 2);
    RecoveryStore::discard(entries.at(0));
    QVERIFY(QFileInfo::exists(dir)); // one checkpoint left in it
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 1);
    RecoveryStore::discard(entries.at(1));
    QVERIFY(!QFileInfo::exists(dir));
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 0);
}

void TestRecoveryStore::adoptMovesIntoOwnFolder()
{
    const Image image = makeTestImage(9, 7, 4, DType::Float16);
    QString deadDir;
    {
        RecoveryStore gone(root());
        QString error;
        QVERIFY(gone.ensureInstance(&error));
        gone.writeCheckpoint(QStringLiteral("d3"), image, contentHash(image), QStringLiteral("/x/y.exr"), "y.exr");
        deadDir = gone.instanceDir();
    }
    const QList<RecoveryEntry> entries = RecoveryStore::listRecoverable(root());
    QCOMPARE(entries.size(), 1);
    RecoveryStore store(root());
    QString error;
    const RecoveryEntry adopted = store.adopt(entries.first(), QStringLiteral("d1"), &error);
    QVERIFY2(!adopted.imagePath.isEmpty(), qPrintable(error));
    QVERIFY(adopted.imagePath.startsWith(store.instanceDir() + QLatin1Char('/')));
    QCOMPARE(adopted.pid, QCoreApplication::applicationPid());
    QCOMPARE(adopted.originalPath, QStringLiteral("/x/y.exr"));
    QVERIFY(!QFileInfo::exists(deadDir));
    // Now protected by this instance's lock: offered nowhere.
    QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 0);
    QCOMPARE(pixelDifference(RecoveryStore::load(adopted), image), QString());
}

void TestRecoveryStore::damagedCheckpointIsRefused()
{
    RecoveryStore store(root());
    QString error;
    QVERIFY(store.ensureInstance(&error));
    const Image image = makeTestImage(6, 6, 3, DType::UInt8);
    const RecoveryEntry entry = store.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), {}, "x");
    // Other pixels in the same layout: only the fingerprint can tell.
    saveImage(makeTestImage(6, 6, 3, DType::UInt8, 1234), entry.imagePath.toStdString());
    try {
        RecoveryStore::load(entry);
        QFAIL("a damaged checkpoint loaded");
    } catch (const ImageError &e) {
        QCOMPARE(QString::fromStdString(e.path()), entry.imagePath);
        QVERIFY2(QString::fromStdString(e.reason()).contains(QStringLiteral("damaged")), e.what());
    }
}

void TestRecoveryStore::intervalEnvironmentOverridesSetting_data()
{
    QTest::addColumn<QString>("environment");
    QTest::addColumn<int>("expected");
    QTest::addColumn<bool>("fromEnvironment");
    QTest::newRow("unset: the setting") << QString() << 45 << false;
    QTest::newRow("seconds") << QStringLiteral("1") << 1 << true;
    QTest::newRow("zero turns it off") << QStringLiteral("0") << 0 << true;
    QTest::newRow("garbage: the setting") << QStringLiteral("soon") << 45 << false;
    QTest::newRow("negative: the setting") << QStringLiteral("-5") << 45 << false;
}

void TestRecoveryStore::intervalEnvironmentOverridesSetting()
{
    QFETCH(QString, environment);
    QFETCH(int, expected);
    QFETCH(bool, fromEnvironment);
    // QSettings of this test go to the temporary folder, never the user's.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir->path());
    QCOMPARE(Checkpointer::configuredInterval(), Checkpointer::DefaultIntervalSeconds);
    Checkpointer::setIntervalSetting(45);
    const QString old = setEnv("LIVEPIX_AUTOSAVE_INTERVAL", environment);
    bool environmentWon = !fromEnvironment;
    const int seconds = Checkpointer::configuredInterval(&environmentWon);
    setEnv("LIVEPIX_AUTOSAVE_INTERVAL", old.isEmpty() ? QString() : old);
    QCOMPARE(seconds, expected);
    QCOMPARE(environmentWon, fromEnvironment);
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet(ChildVariable))
        return runChild(argc, argv);
    QCoreApplication app(argc, argv);
    app.setOrganizationName(QStringLiteral("livepix-test"));
    app.setApplicationName(QStringLiteral("tst_recoverystore"));
    qunsetenv("LIVEPIX_AUTOSAVE_INTERVAL");
    TestRecoveryStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_recoverystore.moc"
