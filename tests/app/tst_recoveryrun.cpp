// Crash recovery with the real `livepix` binary: an instance edits pixels
// and is killed with SIGKILL; the next runs list and restore its images bit
// for bit, and a living instance's checkpoints are never offered.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <livepix/imageio.h>

#include "livepixrun.h"
#include "testsupport.h"

using namespace livepix;
using testsupport::makeTestImage;

class TestRecoveryRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void killedInstanceIsRecoveredBitForBit();

private:
    /// Starts livepix on `image` with an --exec that overwrites every pixel
    /// with random values of the image's dtype and saves them to `npy`;
    /// without --screenshot the program then keeps running.
    QProcess *startEditing(const QString &image, const QString &npy, const QString &values);
    /// Waits until `process` wrote a checkpoint taken after its edit ended
    /// (after `npy` appeared); returns its sidecar path.
    QString waitForCheckpoint(QProcess *process, const QString &npy);
    QStringList listRecovery();
    LivepixRun run(const QStringList &arguments) { return runLivepix(m_program, arguments, m_dir.path()); }

    QString m_program;
    QTemporaryDir m_dir;
    QString m_root;
    QList<QProcess *> m_processes;
};

void TestRecoveryRun::initTestCase()
{
    m_program = builtProgram(QStringLiteral("livepix"));
    QVERIFY2(QFile::exists(m_program), qPrintable(m_program));
    QVERIFY(m_dir.isValid());
    // Every livepix started here inherits these (runLivepix passes the
    // environment on): recovery state in the sandbox, checkpoints each second.
    qputenv("XDG_STATE_HOME", m_dir.filePath(QStringLiteral("state")).toLocal8Bit());
    qputenv("LIVEPIX_AUTOSAVE_INTERVAL", "1");
    m_root = m_dir.filePath(QStringLiteral("state/livepix/recovery"));
}

void TestRecoveryRun::cleanupTestCase()
{
    for (QProcess *process : std::as_const(m_processes)) {
        process->kill();
        process->waitForFinished();
        delete process;
    }
}

QProcess *TestRecoveryRun::startEditing(const QString &image, const QString &npy, const QString &values)
{
    const QString code = QStringLiteral("import numpy as np\n"
                                        "a = np.asarray(viewer.image)\n"
                                        "rng = np.random.default_rng(11)\n"
                                        "a[...] = %1\n"
                                        "np.save(%2, a.copy())\n")
                             .arg(values, QStringLiteral("'%1'").arg(npy));
    auto *process = new QProcess;
    m_processes << process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    process->setProcessEnvironment(env);
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(m_program, {image, QStringLiteral("--exec"), code});
    process->waitForStarted();
    return process;
}

QString TestRecoveryRun::waitForCheckpoint(QProcess *process, const QString &npy)
{
    QString found;
    const auto look = [&] {
        if (!QFileInfo::exists(npy))
            return false;
        const QDateTime edited = QFileInfo(npy).lastModified().toUTC();
        QDirIterator it(m_root, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
            const QDateTime time = QDateTime::fromString(o.value("time").toString(), Qt::ISODateWithMs);
            if (o.value("pid").toInteger() == process->processId() && time > edited) {
                found = file.fileName();
                return true;
            }
        }
        return false;
    };
    for (int i = 0; i < 600 && process->state() != QProcess::NotRunning && !look(); ++i)
        QTest::qWait(100);
    return found;
}

QStringList TestRecoveryRun::listRecovery()
{
    const LivepixRun listed = run({QStringLiteral("--list-recovery")});
    if (listed.exitCode != 0)
        return {QStringLiteral("exit %1: %2").arg(listed.exitCode).arg(listed.err)};
    return listed.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void TestRecoveryRun::killedInstanceIsRecoveredBitForBit()
{
    const QString png = m_dir.filePath(QStringLiteral("rgba8.png"));
    const QString exr = m_dir.filePath(QStringLiteral("rgb32f.exr"));
    saveImage(makeTestImage(64, 48, 4, DType::UInt8), png.toStdString());
    saveImage(makeTestImage(40, 30, 3, DType::Float32), exr.toStdString());
    const QString npy8 = m_dir.filePath(QStringLiteral("rgba8.npy"));
    const QString npy32 = m_dir.filePath(QStringLiteral("rgb32f.npy"));

    QProcess *first = startEditing(png, npy8, QStringLiteral("rng.integers(0, 256, a.shape, dtype=np.uint8)"));
    // Every float32 bit pattern that is a finite number, signs and all.
    QProcess *second = startEditing(
        exr, npy32, QStringLiteral("(rng.standard_normal(a.shape) * 1e3).astype(np.float32) / 7"));
    const QString sidecar8 = waitForCheckpoint(first, npy8);
    QVERIFY2(!sidecar8.isEmpty(), "the uint8 instance wrote no checkpoint after its edit");
    const QString sidecar32 = waitForCheckpoint(second, npy32);
    QVERIFY2(!sidecar32.isEmpty(), "the float32 instance wrote no checkpoint after its edit");

    // Both alive: nothing to recover.
    QCOMPARE(listRecovery(), QStringList());

    first->kill(); // SIGKILL: no cleanup runs
    QVERIFY(first->waitForFinished());
    QStringList lines = listRecovery();
    // Only the dead instance's image; the living one's is its own.
    QCOMPARE(lines.size(), 1);
    QStringList fields = lines.first().split(QLatin1Char('\t'));
    QCOMPARE(fields.size(), 4);
    QVERIFY2(fields.at(0).startsWith(m_root + QLatin1Char('/')) && fields.at(0).endsWith(QStringLiteral(".tif")),
             qPrintable(lines.first()));
    QVERIFY(QFileInfo::exists(fields.at(0)));
    QCOMPARE(fields.at(1), QStringLiteral("rgba8.png"));
    QCOMPARE(fields.at(2), QStringLiteral("64×48, 4 ch, uint8"));

    second->kill();
    QVERIFY(second->waitForFinished());
    lines = listRecovery();
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.join(QLatin1Char('\n')).contains(QStringLiteral("\trgb32f.exr\t40×30, 3 ch, float32\t")));

    // --recover opens both with the edited pixels, bit for bit, under their
    // original paths (what Save writes to).
    const QString check = QStringLiteral(
        "import numpy as np\n"
        "want = {%1: np.load(%2), %3: np.load(%4)}\n"
        "imgs = {i.path: i for i in viewer.images}\n"
        "assert sorted(imgs) == sorted(want), sorted(imgs)\n"
        "for p, w in want.items():\n"
        "    a = np.asarray(imgs[p])\n"
        "    assert a.dtype == w.dtype and a.shape == w.shape, (p, a.dtype, a.shape)\n"
        "    assert a.tobytes() == w.tobytes(), p + ': pixels differ'\n"
        "print('recovered', len(want))\n")
                              .arg(QStringLiteral("'%1'").arg(png), QStringLiteral("'%1'").arg(npy8),
                                   QStringLiteral("'%1'").arg(exr), QStringLiteral("'%1'").arg(npy32));
    const QString shot = m_dir.filePath(QStringLiteral("recovered.png"));
    const LivepixRun recovered =
        run({QStringLiteral("--recover"), QStringLiteral("--exec"), check, QStringLiteral("--screenshot"), shot});
    QVERIFY2(recovered.exitCode == 0, qPrintable(recovered.err + recovered.out));
    QVERIFY2(recovered.out.contains(QStringLiteral("recovered 2")), qPrintable(recovered.out));
    QVERIFY(QFileInfo(shot).size() > 0);

    // A batch run quits without asking, so it leaves them for the next start.
    QCOMPARE(listRecovery().size(), 2);
}

QTEST_MAIN(TestRecoveryRun)
#include "tst_recoveryrun.moc"
