// The real `livepix` binary in batch mode: --exec, --script, --screenshot,
// startup.py, exit status and tracebacks on stderr.
#include <QDir>
#include <QFile>
#include <QImage>
#include "livepixrun.h"
#include <QTemporaryDir>
#include <QTest>

class TestBatchRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void execEditsWhatTheScreenshotShows();
    void execErrorExitsNonZeroWithTraceback();
    void execsRunInOrderInOneNamespace();
    void scriptRunsAfterExec();
    void execAndScriptRunInTheOrderGiven();
    void eachExecIsItsOwnUndoStep();
    void missingScriptFails();
    void startupScript_data();
    void startupScript();

private:
    LivepixRun run(const QStringList &arguments) { return runLivepix(m_program, arguments, m_dir.path()); }
    void writeStartup(const QString &code);

    QString m_program;
    QTemporaryDir m_dir;
    QString m_image;
    QString m_shot;
};

void TestBatchRun::initTestCase()
{
    m_program = builtProgram(QStringLiteral("livepix"));
    QVERIFY2(QFile::exists(m_program), qPrintable(m_program));
    // A white 200x100 image.
    m_image = m_dir.filePath(QStringLiteral("white.png"));
    QImage white(200, 100, QImage::Format_RGB888);
    white.fill(Qt::white);
    QVERIFY(white.save(m_image));
    m_shot = m_dir.filePath(QStringLiteral("shot.png"));
}

void TestBatchRun::init()
{
    QFile::remove(m_shot);
    QDir(m_dir.filePath(QStringLiteral("config"))).removeRecursively();
}

void TestBatchRun::writeStartup(const QString &code)
{
    QDir().mkpath(m_dir.filePath(QStringLiteral("config/livepix")));
    QFile f(m_dir.filePath(QStringLiteral("config/livepix/startup.py")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(code.toUtf8());
}

void TestBatchRun::execEditsWhatTheScreenshotShows()
{
    const LivepixRun r = run({m_image, QStringLiteral("--exec"),
                                 QStringLiteral("np.asarray(viewer.image)[:50] = 0"),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QImage shot(m_shot);
    QVERIFY(!shot.isNull());
    shot = shot.convertToFormat(QImage::Format_RGB32);
    // Where the image is drawn, its top half is black and its bottom white.
    int blackRows = 0, whiteRows = 0, lastBlack = -1, firstWhite = shot.height();
    for (int y = 0; y < shot.height(); ++y) {
        const QRgb c = shot.pixel(shot.width() / 2, y);
        if (c == qRgb(0, 0, 0)) {
            ++blackRows;
            lastBlack = y;
        } else if (c == qRgb(255, 255, 255)) {
            ++whiteRows;
            firstWhite = qMin(firstWhite, y);
        }
    }
    QVERIFY2(blackRows > 10 && whiteRows > 10, qPrintable(QStringLiteral("%1 %2").arg(blackRows).arg(whiteRows)));
    QVERIFY(lastBlack < firstWhite);
    QVERIFY(qAbs(blackRows - whiteRows) <= 2);
}

void TestBatchRun::execErrorExitsNonZeroWithTraceback()
{
    const LivepixRun r = run({m_image, QStringLiteral("--exec"),
                                 QStringLiteral("x = 1\nraise ValueError('boom %d' % x)"),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode > 0, qPrintable(r.err)); // a clean failure, not a crash
    // The standard console's header, or IPython's ("ValueError   Traceback
    // (most recent call last)"); this test runs with each (CMakeLists.txt).
    QVERIFY2(r.err.contains(QStringLiteral("Traceback (most recent call last)")), qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("ValueError: boom 1")));
    QVERIFY(!QFile::exists(m_shot));
}

void TestBatchRun::execsRunInOrderInOneNamespace()
{
    const LivepixRun r = run({m_image, QStringLiteral("--exec"), QStringLiteral("a = 20"),
                                 QStringLiteral("--exec"), QStringLiteral("print('sum', a + 22)"),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("sum 42\n")), qPrintable(r.out));
}

void TestBatchRun::scriptRunsAfterExec()
{
    const QString script = m_dir.filePath(QStringLiteral("paint.py"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("import os\nprint('script', os.path.basename(__file__), level)\n"
            "np.asarray(viewer.image)[:] = 0\n");
    f.close();
    const LivepixRun r = run({m_image, QStringLiteral("--exec"), QStringLiteral("level = 3"),
                                 QStringLiteral("--script"), script, QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("script paint.py 3\n")), qPrintable(r.out));
    const QImage shot = QImage(m_shot).convertToFormat(QImage::Format_RGB32);
    QCOMPARE(shot.pixel(shot.width() / 2, shot.height() / 2), qRgb(0, 0, 0));
}

void TestBatchRun::execAndScriptRunInTheOrderGiven()
{
    const QString script = m_dir.filePath(QStringLiteral("order.py"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("order.append('script')\n");
    f.close();
    const LivepixRun r = run({m_image, QStringLiteral("--exec"), QStringLiteral("order = ['exec1']"),
                                 QStringLiteral("--script"), script, QStringLiteral("--exec"),
                                 QStringLiteral("order.append('exec2'); print('order', order)"),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("order ['exec1', 'script', 'exec2']\n")), qPrintable(r.out));
}

// DESIGN.md's example: the second block undoes the first, so the
// screenshot shows the untouched (white) image.
void TestBatchRun::eachExecIsItsOwnUndoStep()
{
    const LivepixRun r = run({m_image, QStringLiteral("--exec"),
                                 QStringLiteral("a = np.asarray(viewer.image); a[:100] = 0"),
                                 QStringLiteral("--exec"), QStringLiteral("viewer.undo()"),
                                 QStringLiteral("--exec"),
                                 QStringLiteral("print('steps', [str(e) for e in viewer.history], a.min())"),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("steps ['a = np.asarray(viewer.image); a[:100] = 0'] 255\n")),
             qPrintable(r.out));
    const QImage shot = QImage(m_shot).convertToFormat(QImage::Format_RGB32);
    QCOMPARE(shot.pixel(shot.width() / 2, shot.height() / 2), qRgb(255, 255, 255));
    QCOMPARE(shot.pixel(shot.width() / 2, shot.height() / 4), qRgb(255, 255, 255));
}

void TestBatchRun::missingScriptFails()
{
    const LivepixRun r = run({m_image, QStringLiteral("--script"), m_dir.filePath(QStringLiteral("nope.py")),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode > 0, qPrintable(r.err)); // a clean failure, not a crash
    QVERIFY2(r.err.contains(QStringLiteral("nope.py")), qPrintable(r.err));
}

void TestBatchRun::startupScript_data()
{
    QTest::addColumn<QString>("startup");
    QTest::addColumn<QString>("expectedOut");
    QTest::addColumn<QString>("expectedErr");
    QTest::newRow("defines names") << "greeting = 'hi from startup'\n" << "hi from startup\n" << "";
    QTest::newRow("error is shown, not fatal") << "greeting = 'partial'\nraise RuntimeError('bad startup')\n"
                                               << "partial\n" << "RuntimeError: bad startup";
}

void TestBatchRun::startupScript()
{
    QFETCH(QString, startup);
    QFETCH(QString, expectedOut);
    QFETCH(QString, expectedErr);
    writeStartup(startup);
    const LivepixRun r = run({m_image, QStringLiteral("--exec"), QStringLiteral("print(greeting)"),
                                 QStringLiteral("--screenshot"), m_shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(expectedOut), qPrintable(r.out));
    QVERIFY2(r.err.contains(expectedErr), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestBatchRun)
#include "tst_batchrun.moc"
