// StartupSequence: files load, then the hooks run in order, with no nested loop.
#include <QtTest>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include "viewer/document.h"
#include "viewer/startupsequence.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestStartupSequence : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void filesLoadBeforeTheHooksWhichRunInOrder();
    void firstFailureStopsTheRest();
    void failureThatDoesNotStop();
    void stepsNeverNest();

private:
    QTemporaryDir m_dir;
    QString m_big;
    QString m_small;
};

void TestStartupSequence::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_big = m_dir.filePath(QStringLiteral("big.tif"));
    saveImage(Image::create(4096, 2048, 4, DType::UInt8), m_big.toStdString(), {{"compression", "none"}});
    m_small = m_dir.filePath(QStringLiteral("small.png"));
    saveImage(Image::create(8, 4, 3, DType::UInt8), m_small.toStdString());
}

void TestStartupSequence::filesLoadBeforeTheHooksWhichRunInOrder()
{
    Viewer viewer;
    StartupSequence sequence;
    QStringList opened;
    sequence.addStep(StartupSequence::openFilesStep(&viewer, {m_big, m_small},
                                                    [&opened](const QString &path) { opened << path; }));
    QStringList log;
    // Like --exec blocks: the first sees every file loaded; the second takes
    // a while (asynchronously); the third runs only after it.
    sequence.addStep([&](StartupSequence::Done done) {
        log << QStringLiteral("exec1 saw %1 images, current %2")
                   .arg(viewer.documents().size())
                   .arg(viewer.current() ? viewer.current()->name() : QString());
        done({});
    });
    sequence.addStep([&](StartupSequence::Done done) {
        log << QStringLiteral("exec2 started");
        QTimer::singleShot(100, this, [&log, done] {
            log << QStringLiteral("exec2 done");
            done({});
        });
    });
    sequence.addStep([&](StartupSequence::Done done) {
        log << QStringLiteral("exec3");
        done({});
    });
    QSignalSpy finished(&sequence, &StartupSequence::finished);
    sequence.start();
    QVERIFY(log.isEmpty()); // start() returns at once
    QVERIFY(finished.wait(30000));
    QVERIFY(finished.first().at(0).toBool());
    QCOMPARE(log, (QStringList{"exec1 saw 2 images, current big.tif", "exec2 started", "exec2 done", "exec3"}));
    QCOMPARE(opened, (QStringList{m_big, m_small}));
    QVERIFY(!sequence.isRunning());
}

void TestStartupSequence::firstFailureStopsTheRest()
{
    Viewer viewer;
    StartupSequence sequence;
    const QString missing = m_dir.filePath(QStringLiteral("missing.png"));
    sequence.addStep(StartupSequence::openFilesStep(&viewer, {m_small, missing}));
    bool ran = false;
    sequence.addStep([&ran](StartupSequence::Done done) {
        ran = true;
        done({});
    });
    QSignalSpy finished(&sequence, &StartupSequence::finished);
    sequence.start();
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.first().at(0).toBool());
    const QStringList errors = finished.first().at(1).toStringList();
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().startsWith(missing + QStringLiteral(": ")), qPrintable(errors.first()));
    QVERIFY(!ran);
    QCOMPARE(viewer.documents().size(), 1); // the file that could open did
}

void TestStartupSequence::failureThatDoesNotStop()
{
    // An interactive start: a file that fails does not stop the hooks.
    StartupSequence sequence;
    sequence.addStep([](StartupSequence::Done done) { done({QStringLiteral("a.png: missing")}); }, false);
    QStringList ran;
    sequence.addStep([&ran](StartupSequence::Done done) {
        ran << QStringLiteral("hook");
        done({QStringLiteral("--exec failed")});
    });
    sequence.addStep([&ran](StartupSequence::Done done) {
        ran << QStringLiteral("later hook");
        done({});
    });
    QSignalSpy finished(&sequence, &StartupSequence::finished);
    sequence.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(ran, QStringList{"hook"});
    QCOMPARE(finished.first().at(1).toStringList(), (QStringList{"a.png: missing", "--exec failed"}));
}

void TestStartupSequence::stepsNeverNest()
{
    // A step that reports done at once (or twice) does not run the next one
    // inside its own call: each starts from the event loop.
    StartupSequence sequence;
    int depth = 0;
    int maxDepth = 0;
    int runs = 0;
    for (int i = 0; i < 3; ++i) {
        sequence.addStep([&](StartupSequence::Done done) {
            ++depth;
            ++runs;
            maxDepth = std::max(maxDepth, depth);
            done({});
            done({QStringLiteral("ignored")});
            --depth;
        });
    }
    QSignalSpy finished(&sequence, &StartupSequence::finished);
    sequence.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(runs, 3);
    QCOMPARE(maxDepth, 1);
    QVERIFY(finished.first().at(0).toBool());
}

QTEST_MAIN(TestStartupSequence)
#include "tst_startupsequence.moc"
