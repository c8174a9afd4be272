// What waits for the first frame (Application::whenFirstFrameShown): Python,
// the plugin catalog and the image I/O preload start only once the window
// shows the image it was started with, so they do not compete with it for
// the two CPUs and the dynamic loader's lock (issue 9, start-up).
// One interpreter per process: each test function runs in its own ctest.
#include <Python.h>

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include <memory>

#include "console/installconsole.h"
#include "console/pythonruntime.h"
#include "pluginhost/pluginhost.h"
#include "viewer/application.h"
#include "viewer/canvas.h"
#include "viewer/mainwindow.h"

using namespace livepix;
using namespace livepix::gui;

class TestFirstFrame : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void runStartsPythonAndPluginsAfterTheStartupImage();
    void withoutRunTheFirstPaintCounts();

private:
    QTemporaryDir m_dir;
};

void TestFirstFrame::init()
{
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
}

void TestFirstFrame::runStartsPythonAndPluginsAfterTheStartupImage()
{
    const QString file = m_dir.filePath(QStringLiteral("start.png"));
    Image image = Image::create(96, 64, 3, DType::UInt8);
    saveImage(image, file.toStdString());

    Application app({QStringLiteral("livepix"), file});
    // Registered before the console and the plugin host register theirs, so
    // this runs first and sees what they had done before the first frame.
    QSize shownAtFirstFrame;
    bool pythonStartedBefore = true;
    bool pluginsLoadingBefore = true;
    PythonRuntime *runtime = nullptr;
    PluginHost *host = nullptr;
    QStringList filtersMenuBefore;
    app.whenFirstFrameShown(&app, [&] {
        for (QAction *action : app.mainWindow()->filtersMenu()->actions())
            filtersMenuBefore << action->text();
        shownAtFirstFrame = app.mainWindow()->canvas()->imageSize();
        pythonStartedBefore = runtime->isStarted();
        pluginsLoadingBefore = host->isLoadingPlugins() || !host->pluginRecords().empty();
    });
    runtime = installConsole(app);
    installPluginHost(app);
    host = app.mainWindow()->findChild<PluginHost *>();
    QVERIFY(host);
    host->setInteractive(false);
    QVERIFY(!app.isFirstFrameShown());
    QVERIFY(!runtime->isStarted());

    // After the first frame both start by themselves; then quit.
    bool pythonReady = false;
    bool pluginsLoaded = false;
    QTimer poll;
    connect(&poll, &QTimer::timeout, &app, [&] {
        if (!app.isFirstFrameShown() || !runtime->isReady() || host->pluginRecords().empty())
            return;
        pythonReady = true;
        pluginsLoaded = true;
        QCoreApplication::exit(0);
    });
    poll.start(20);
    QTimer::singleShot(60000, &app, [] { QCoreApplication::exit(3); });
    QCOMPARE(app.run(), 0);

    // The first frame was the startup image, not the empty window nor the
    // fallback timer, and nothing heavy had started before it.
    QCOMPARE(shownAtFirstFrame, QSize(96, 64));
    QVERIFY(!pythonStartedBefore);
    QVERIFY(!pluginsLoadingBefore);
    // Meanwhile the Filters menu said plugins were coming, not "no filters".
    QVERIFY2(filtersMenuBefore.contains(QStringLiteral("Loading plugins…")), qPrintable(filtersMenuBefore.join(", ")));
    QVERIFY(pythonReady);
    QVERIFY(pluginsLoaded);
}

void TestFirstFrame::withoutRunTheFirstPaintCounts()
{
    // An app built in a test, never run(): the window's first paint is the
    // first frame, so the console still starts once the window shows.
    Application app({QStringLiteral("livepix")});
    int calls = 0;
    app.whenFirstFrameShown(&app, [&] { ++calls; });
    auto gone = std::make_unique<QObject>();
    bool calledAfterGone = false;
    app.whenFirstFrameShown(gone.get(), [&] { calledAfterGone = true; });
    gone.reset(); // its work is dropped with it
    PythonRuntime *runtime = installConsole(app);
    QTest::qWait(50);
    QCOMPARE(calls, 0);
    QVERIFY(!runtime->isStarted());

    app.mainWindow()->show();
    QVERIFY(QTest::qWaitForWindowExposed(app.mainWindow()));
    QTRY_COMPARE(calls, 1);
    QVERIFY(app.isFirstFrameShown());
    QVERIFY(!calledAfterGone);
    QTRY_VERIFY_WITH_TIMEOUT(runtime->isReady(), 30000);
    // Work registered afterwards runs at once, and only once.
    app.whenFirstFrameShown(&app, [&] { ++calls; });
    QCOMPARE(calls, 2);
    QTest::qWait(50);
    QCOMPARE(calls, 2);
}

QTEST_MAIN(TestFirstFrame)
#include "tst_firstframe.moc"
