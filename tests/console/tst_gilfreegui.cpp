// The GUI thread never waits for the GIL: while console code holds the GIL
// in a long C call, opening the Filters menu, Plugins > Reload and dropping
// the last reference to a Python filter all return, and the event loop keeps
// running; the Python work they cause happens on the Python thread later.
//
// The hold is `ctypes.PyDLL(None).sleep(5)`: PyDLL calls keep the GIL for
// the whole C call (unlike time.sleep). Every check is about order (the GUI
// finished its work and served a posted event before the hold ended), not
// about timing.
#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <livepix/filterregistry.h>

#include "console/pythonruntime.h"
#include "pluginhost/pluginhost.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestGilFreeGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void filtersMenuAndReloadDoNotWaitForTheGil();
    void droppingAPythonFilterDoesNotWaitForTheGil();

private:
    void writePlugin(const QString &filterName);
    /// Starts console code that holds the GIL for `seconds`; returns once
    /// it has started (printed "holding").
    void startGilHold(int seconds);
    bool holdEnded() const { return m_output.contains(QStringLiteral("released")); }
    /// True once the GUI event loop has served an event posted now.
    bool eventLoopServes();
    QString run(const QString &code);
    QStringList menuTexts();

    QTemporaryDir m_dir;
    QString m_output;
    Viewer *m_viewer = nullptr;
    MainWindow *m_window = nullptr;
    PythonRuntime *m_runtime = nullptr;
    PluginHost *m_host = nullptr;
};

void TestGilFreeGui::writePlugin(const QString &filterName)
{
    QDir(m_dir.path()).mkpath(QStringLiteral("plugins/gilprobe"));
    QFile manifest(m_dir.filePath(QStringLiteral("plugins/gilprobe/plugin.json")));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write(R"({"name": "gilprobe", "version": "0.1", "api_version": 1, "kind": "python", "entry": "probe.py"})");
    manifest.close();
    QFile entry(m_dir.filePath(QStringLiteral("plugins/gilprobe/probe.py")));
    QVERIFY(entry.open(QIODevice::WriteOnly));
    entry.write(QStringLiteral("import livepix\n\n@livepix.filter(%1)\ndef probe(array):\n    pass\n")
                    .arg(QLatin1Char('"') + filterName + QLatin1Char('"'))
                    .toUtf8());
}

void TestGilFreeGui::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
    qputenv("LIVEPIX_PLUGIN_PATH", m_dir.filePath(QStringLiteral("plugins")).toLocal8Bit());
    writePlugin(QStringLiteral("Probe One"));
    m_viewer = new Viewer;
    m_window = new MainWindow(m_viewer);
    m_runtime = new PythonRuntime(m_viewer);
    connect(m_runtime, &PythonRuntime::output, this,
            [this](PythonRuntime::Stream stream, const QString &text) {
                if (stream != PythonRuntime::Stream::Echo) // the echoed source says 'released' too
                    m_output += text;
            });
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
    m_host = new PluginHost(m_window); // the process-wide catalog: Python plugins load on the worker
    m_host->setInteractive(false);
    QTRY_VERIFY_WITH_TIMEOUT(!m_host->isLoadingPlugins(), 20000);
    Q_EMIT m_window->filtersMenu()->aboutToShow();
    QTRY_VERIFY_WITH_TIMEOUT(!m_host->isLoadingPlugins(), 20000);
    QVERIFY2(menuTexts().contains(QStringLiteral("Probe One")), qPrintable(menuTexts().join(", ")));
}

void TestGilFreeGui::cleanupTestCase()
{
    delete m_host;
    delete m_runtime; // interrupts a hold still running, finalizes Python
    delete m_window;
    delete m_viewer;
}

QStringList TestGilFreeGui::menuTexts()
{
    QStringList texts;
    for (QAction *a : m_host->filterActions())
        texts << a->text();
    return texts;
}

QString TestGilFreeGui::run(const QString &code)
{
    QString error;
    const int before = m_output.size();
    [&] { QVERIFY2(m_runtime->runAndWait(code, false, &error), qPrintable(error)); }();
    QCoreApplication::processEvents();
    return m_output.mid(before);
}

void TestGilFreeGui::startGilHold(int seconds)
{
    m_output.clear();
    m_runtime->runSource(QStringLiteral("import ctypes\nprint('holding', flush=True)\n"
                                        "ctypes.PyDLL(None).sleep(%1)\nprint('released')\n")
                             .arg(seconds));
    QTRY_VERIFY_WITH_TIMEOUT(m_output.contains(QStringLiteral("holding")), 20000);
}

bool TestGilFreeGui::eventLoopServes()
{
    bool served = false;
    QTimer::singleShot(0, this, [&] { served = true; });
    QElapsedTimer timer;
    timer.start();
    while (!served && timer.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return served;
}

void TestGilFreeGui::filtersMenuAndReloadDoNotWaitForTheGil()
{
    writePlugin(QStringLiteral("Probe Two")); // what Reload will pick up
    QSignalSpy loaded(m_host, &PluginHost::pluginsLoaded);
    startGilHold(5);

    QMenu *menu = m_window->filtersMenu();
    menu->popup(QPoint(0, 0)); // aboutToShow: builds the menu from what is known
    menu->hide();
    m_host->reloadAction()->trigger();
    m_host->showPluginsDialog();
    QVERIFY(eventLoopServes());

    // All of that is done while the hold still runs: none of it waited for
    // the GIL. The reload waits on the Python thread, the menu says so.
    QVERIFY2(!holdEnded(), "the GUI thread waited for the GIL");
    QVERIFY(m_host->isLoadingPlugins());
    QVERIFY(menuTexts().contains(QStringLiteral("Probe One")));
    QVERIFY(menuTexts().contains(QStringLiteral("Loading Python plugins…")));

    // Then the import runs on the Python thread and the menu follows.
    QVERIFY(loaded.wait(30000));
    QTRY_VERIFY_WITH_TIMEOUT(!m_host->isLoadingPlugins(), 30000);
    QVERIFY(holdEnded());
    QVERIFY(menuTexts().contains(QStringLiteral("Probe Two")));
    QVERIFY(!menuTexts().contains(QStringLiteral("Probe One")));
    QVERIFY(!menuTexts().contains(QStringLiteral("Loading Python plugins…")));
}

void TestGilFreeGui::droppingAPythonFilterDoesNotWaitForTheGil()
{
    QTRY_VERIFY_WITH_TIMEOUT(!m_runtime->isBusy(), 30000);
    run(QStringLiteral("import weakref\n@livepix.filter('GIL Probe')\ndef _probe(array):\n    pass\n"
                       "probe_ref = weakref.ref(_probe)\ndel _probe\n"));
    std::shared_ptr<const Filter> held = FilterRegistry::instance().find("GIL Probe");
    QVERIFY(held);
    startGilHold(5);
    // The GUI thread becomes the last owner and drops the Python filter.
    QVERIFY(FilterRegistry::instance().remove("GIL Probe"));
    held.reset();
    QVERIFY(eventLoopServes());
    QVERIFY2(!holdEnded(), "dropping a Python filter waited for the GIL");
    QTRY_VERIFY_WITH_TIMEOUT(!m_runtime->isBusy(), 30000);
    // The function was released afterwards, on the Python thread.
    QCOMPARE(run(QStringLiteral("print(probe_ref() is None, livepix._livepix._gil_queue_length())")),
             QStringLiteral("True 0\n"));
}

QTEST_MAIN(TestGilFreeGui)
#include "tst_gilfreegui.moc"
