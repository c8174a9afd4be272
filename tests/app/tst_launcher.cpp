// `livepix` (app/launcher): answers --version and --help alone with the
// app's own words, and runs livepix-app in its place for everything else.
#include <QtTest>

#include "livepixrun.h"

class TestLauncher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void versionIsTheApps();
    void helpIsTheAppsNamingTheLauncher();
    void otherArgumentsReachTheApp();
    void theAppRunsInTheLaunchersProcess();
    void missingAppIsNamed();
    void launcherLoadsNoQt();

private:
    LivepixRun run(const QString &binary, const QStringList &args) { return runLivepix(binary, args, m_dir.path()); }

    QTemporaryDir m_dir;
    QString m_launcher;
    QString m_app;
};

void TestLauncher::initTestCase()
{
    m_launcher = builtProgram(QStringLiteral("livepix"));
    m_app = builtProgram(QStringLiteral("livepix-app"));
    QVERIFY2(!m_launcher.isEmpty(), "LIVEPIX_BUILD_DIR is not set (run through ctest)");
    QVERIFY2(QFileInfo(m_launcher).isExecutable(), qPrintable(m_launcher));
    QVERIFY2(QFileInfo(m_app).isExecutable(), qPrintable(m_app));
    QVERIFY(m_dir.isValid());
}

void TestLauncher::versionIsTheApps()
{
    for (const QString &option : {QStringLiteral("--version"), QStringLiteral("-v")}) {
        const LivepixRun launcher = run(m_launcher, {option});
        const LivepixRun app = run(m_app, {option});
        QCOMPARE(launcher.exitCode, 0);
        QCOMPARE(app.exitCode, 0);
        QVERIFY(launcher.out.startsWith(QStringLiteral("livepix ")));
        QCOMPARE(launcher.out, app.out);
    }
}

// The text is the app's, with the program named as it was called.
void TestLauncher::helpIsTheAppsNamingTheLauncher()
{
    for (const QString &option : {QStringLiteral("--help"), QStringLiteral("-h")}) {
        const LivepixRun launcher = run(m_launcher, {option});
        const LivepixRun app = run(m_app, {option});
        QCOMPARE(launcher.exitCode, 0);
        QCOMPARE(app.exitCode, 0);
        QVERIFY2(launcher.out.startsWith(QStringLiteral("Usage: ") + m_launcher + QStringLiteral(" [options]")),
                 qPrintable(launcher.out.left(200)));
        QVERIFY(launcher.out.contains(QStringLiteral("--screenshot")));
        QString expected = app.out;
        expected.replace(expected.indexOf(m_app), m_app.size(), m_launcher);
        QCOMPARE(launcher.out, expected);
    }
}

// Anything else is the app's to answer: a bad option, --help with more.
void TestLauncher::otherArgumentsReachTheApp()
{
    const LivepixRun bad = run(m_launcher, {QStringLiteral("--no-such-option")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QStringLiteral("no-such-option")), qPrintable(bad.err));
    const LivepixRun missing = run(m_launcher, {QStringLiteral("--help"), QStringLiteral("--version")});
    QCOMPARE(missing.exitCode, 0);
    QVERIFY2(missing.out.startsWith(QStringLiteral("Usage: ") + m_launcher), qPrintable(missing.out.left(200)));
}

// execv: the app keeps the launcher's process id and arguments.
void TestLauncher::theAppRunsInTheLaunchersProcess()
{
    QProcess process;
    process.setProcessEnvironment(livepixEnvironment(m_dir.path()));
    const QString out = m_dir.filePath(QStringLiteral("shot.png"));
    process.start(m_launcher,
                  {QStringLiteral("--exec"),
                   QStringLiteral("import os, sys; print(os.getpid(), os.readlink('/proc/self/exe'), file=sys.stderr)"),
                   QStringLiteral("--screenshot"), out});
    QVERIFY(process.waitForStarted());
    const qint64 pid = process.processId();
    QVERIFY(process.waitForFinished(120000));
    const QString err = QString::fromLocal8Bit(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(err.contains(QStringLiteral("%1 %2").arg(pid).arg(QFileInfo(m_app).canonicalFilePath())), qPrintable(err));
    QVERIFY(QFileInfo::exists(out));
}

// A launcher without its app says which file it looked for.
void TestLauncher::missingAppIsNamed()
{
    const QString alone = m_dir.filePath(QStringLiteral("alone"));
    QVERIFY(QDir().mkpath(alone));
    const QString copy = alone + QStringLiteral("/livepix");
    QVERIFY(QFile::copy(m_launcher, copy));
    QVERIFY(QFile::setPermissions(copy, QFile::permissions(copy) | QFileDevice::ExeOwner));
    const LivepixRun version = run(copy, {QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0); // answered without the app
    const LivepixRun r = run(copy, {QStringLiteral("photo.png")});
    QCOMPARE(r.exitCode, 127);
    QVERIFY2(r.err.contains(QFileInfo(alone).canonicalFilePath() + QStringLiteral("/livepix-app")), qPrintable(r.err));
}

// The point of it: --version maps no Qt, Python or OpenColorIO.
void TestLauncher::launcherLoadsNoQt()
{
    QProcess ldd;
    ldd.start(QStringLiteral("ldd"), {m_launcher});
    QVERIFY(ldd.waitForFinished(30000));
    const QString libraries = QString::fromLocal8Bit(ldd.readAllStandardOutput());
    QVERIFY2(libraries.contains(QStringLiteral("libc.so")), qPrintable(libraries));
    // (A sanitizer build adds libasan and libubsan, which bring libstdc++.)
    QVERIFY2(!libraries.contains(QStringLiteral("Qt6")) && !libraries.contains(QStringLiteral("python")) &&
                 !libraries.contains(QStringLiteral("OpenColorIO")),
             qPrintable(libraries));
}

QTEST_GUILESS_MAIN(TestLauncher)
#include "tst_launcher.moc"
