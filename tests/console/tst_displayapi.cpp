// The console's display API: viewer.levels, auto_levels, colormap, channel,
// display_view, input_colorspace; values read back, bad values raise
// ValueError naming the value and the choices, and the canvas follows at the
// next frame with no refresh call.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include <livepix/colormap.h>
#include <livepix/image.h>

#include "consolerun.h"
#include "console/pythonruntime.h"
#include "display/autolevelsfollower.h"
#include "testocioconfig.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestDisplayApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void levelsPairAndPerChannel();
    void levelsChangeThePicture();
    void autoLevelsModes();
    void autoLevelsWhileEditingFollowsALoop();
    void colormapByName();
    void channelByNameIndexOrNone();
    void badValuesRaiseValueError_data();
    void badValuesRaiseValueError();
    void ocioDisplayViewAndInputSpace();

private:
    QString run(const QString &code, bool mustSucceed = true);
    QRgb canvasAt(double x, double y);

    QTemporaryDir m_dir;
    Viewer *m_viewer = nullptr;
    Canvas *m_canvas = nullptr;
    PythonRuntime *m_runtime = nullptr;
};

void TestDisplayApi::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_dir.path().toLocal8Bit());
    qputenv("OCIO", writeTestOcioConfig(m_dir.path()).toLocal8Bit());
    m_viewer = new Viewer;
    m_canvas = new Canvas(m_viewer);
    m_canvas->resize(320, 240);
    m_canvas->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
    m_runtime = new PythonRuntime(m_viewer);
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
}

void TestDisplayApi::cleanupTestCase()
{
    delete m_runtime;
    delete m_canvas;
    delete m_viewer;
}

void TestDisplayApi::init()
{
    for (Document *d : m_viewer->documents())
        m_viewer->close(d);
    // A float32 RGB ramp 0..1000 along x (so levels fit to 0..1000 on show).
    run(QStringLiteral("a = np.zeros((48, 64, 3), np.float32)\n"
                       "a[...] = np.linspace(0, 1000, 64, dtype=np.float32)[None, :, None]\n"
                       "viewer.show(a, name='ramp')\n"));
    m_viewer->setZoom(0.0);
}

QString TestDisplayApi::run(const QString &code, bool mustSucceed)
{
    const ConsoleRun r = runConsole(m_runtime, code);
    if (mustSucceed)
        [&]() { QVERIFY2(r.ok, qPrintable(r.error + r.printed)); }();
    return r.printed;
}

QRgb TestDisplayApi::canvasAt(double x, double y)
{
    const QImage shot = m_canvas->grab().toImage();
    return shot.pixel(m_canvas->imageToWidget({x, y}).toPoint()) | 0xff000000u;
}

void TestDisplayApi::levelsPairAndPerChannel()
{
    QCOMPARE(run(QStringLiteral("print(viewer.levels)")), QStringLiteral("(0.0, 1000.0)\n"));
    QCOMPARE(run(QStringLiteral("viewer.levels = (10, 20)\nprint(viewer.levels)")), QStringLiteral("(10.0, 20.0)\n"));
    QCOMPARE(run(QStringLiteral("viewer.levels = [(0, 1), (0, 2), (0, 4)]\nprint(viewer.levels)")),
             QStringLiteral("[(0.0, 1.0), (0.0, 2.0), (0.0, 4.0)]\n"));
    const DisplaySettings &s = m_viewer->current()->displaySettings();
    QCOMPARE(s.levels[2], (LevelRange{0, 4}));
    QVERIFY(!s.levelsLinked);
}

void TestDisplayApi::levelsChangeThePicture()
{
    // Column 40 holds 634.9: byte 162 at 0..1000, white at 0..500, black at 700..1000.
    QTRY_COMPARE(canvasAt(40.5, 10.5), qRgb(162, 162, 162));
    run(QStringLiteral("viewer.levels = (0, 500)"));
    QTRY_COMPARE(canvasAt(40.5, 10.5), qRgb(255, 255, 255));
    run(QStringLiteral("viewer.levels = (700, 1000)"));
    QTRY_COMPARE(canvasAt(40.5, 10.5), qRgb(0, 0, 0));
    // An edit from the console shows at the next frame, with these levels.
    run(QStringLiteral("np.asarray(viewer.image)[:, 40] = 800"));
    QTRY_COMPARE(canvasAt(40.5, 10.5), qRgb(85, 85, 85));
}

void TestDisplayApi::autoLevelsModes()
{
    run(QStringLiteral("a = np.asarray(viewer.image)\na[0, 0] = -5000\na[1, 1] = 9000\n"));
    run(QStringLiteral("viewer.auto_levels()"));
    QCOMPARE(run(QStringLiteral("print(viewer.levels)")), QStringLiteral("(-5000.0, 9000.0)\n"));
    run(QStringLiteral("viewer.auto_levels(mode='percentile', low=1, high=99)"));
    const QString out = run(QStringLiteral(
        "lo, hi = viewer.levels\n"
        "v = np.asarray(viewer.image)[..., :3]\n"
        "print(np.isclose(lo, np.percentile(v, 1), rtol=0.02, atol=20), "
        "np.isclose(hi, np.percentile(v, 99), rtol=0.02, atol=20))"));
    QCOMPARE(out, QStringLiteral("True True\n"));
    run(QStringLiteral("a[..., 0] *= 0.5\nviewer.auto_levels(per_channel=True)"));
    QCOMPARE(run(QStringLiteral("print([tuple(round(x) for x in p) for p in viewer.levels])")),
             QStringLiteral("[(-2500, 4500), (-5000, 9000), (-5000, 9000)]\n"));
}

void TestDisplayApi::autoLevelsWhileEditingFollowsALoop()
{
    DisplaySettings s = m_viewer->current()->displaySettings();
    s.autoWhileEditing = true;
    m_viewer->current()->setDisplaySettings(s);
    const int fitsBefore = m_viewer->autoLevelsFollower()->fits();
    m_runtime->setRepaintInterval(33);
    // The loop scales the image up while it runs: the levels follow during it.
    m_runtime->runSource(QStringLiteral("import time\n"
                                        "a = np.asarray(viewer.image)\n"
                                        "for i in range(20):\n"
                                        "    a *= 1.25\n"
                                        "    time.sleep(0.03)\n"));
    QTRY_VERIFY(m_runtime->isBusy());
    double seenWhileRunning = 0;
    while (m_runtime->isBusy()) {
        QTest::qWait(40);
        if (m_runtime->isBusy())
            seenWhileRunning = std::max(seenWhileRunning, m_viewer->current()->displaySettings().levels[0].hi);
    }
    QVERIFY2(seenWhileRunning > 1000.0 * 1.25, qPrintable(QString::number(seenWhileRunning)));
    const double expected = 1000.0 * std::pow(1.25, 20);
    QTRY_VERIFY(std::abs(m_viewer->current()->displaySettings().levels[0].hi - expected) < expected * 1e-5);
    QVERIFY(m_viewer->autoLevelsFollower()->fits() > fitsBefore + 1);
}

void TestDisplayApi::colormapByName()
{
    run(QStringLiteral("viewer.colormap = 'Viridis'\nprint(viewer.colormap, viewer.channel)"));
    QCOMPARE(run(QStringLiteral("print(viewer.colormap, viewer.channel)")), QStringLiteral("viridis R\n"));
    const Colormap *viridis = findColormap("viridis");
    const auto colour = [](const Colormap *m, int i) { return qRgb(m->rgb[i][0], m->rgb[i][1], m->rgb[i][2]); };
    QTRY_COMPARE(canvasAt(0.5, 10.5), colour(viridis, 0));
    QTRY_COMPARE(canvasAt(63.5, 10.5), colour(viridis, 255));
    run(QStringLiteral("viewer.colormap = None"));
    QCOMPARE(run(QStringLiteral("print(viewer.colormap)")), QStringLiteral("None\n"));
    QTRY_COMPARE(canvasAt(63.5, 10.5), qRgb(255, 255, 255));
    // A diverging map gets symmetric levels around 0.
    for (const Colormap *map : colormaps()) {
        if (!map->diverging)
            continue;
        run(QStringLiteral("np.asarray(viewer.image)[0, 0] = -200\nviewer.colormap = '%1'")
                .arg(QString::fromUtf8(map->name.data(), int(map->name.size()))));
        QCOMPARE(run(QStringLiteral("print(viewer.levels)")), QStringLiteral("(-1000.0, 1000.0)\n"));
    }
}

void TestDisplayApi::channelByNameIndexOrNone()
{
    run(QStringLiteral("a = np.asarray(viewer.image)\na[..., 1] = 0\n"));
    QCOMPARE(run(QStringLiteral("print(viewer.channel)")), QStringLiteral("None\n"));
    run(QStringLiteral("viewer.channel = 'G'"));
    QCOMPARE(m_viewer->current()->displaySettings().channel, 1);
    QTRY_COMPARE(canvasAt(63.5, 10.5), qRgb(0, 0, 0));
    run(QStringLiteral("viewer.channel = 0"));
    QCOMPARE(run(QStringLiteral("print(viewer.channel)")), QStringLiteral("R\n"));
    QTRY_COMPARE(canvasAt(63.5, 10.5), qRgb(255, 255, 255));
    run(QStringLiteral("viewer.channel = None"));
    QCOMPARE(m_viewer->current()->displaySettings().channel, -1);
    QTRY_COMPARE(canvasAt(63.5, 10.5), qRgb(255, 0, 255));
}

void TestDisplayApi::badValuesRaiseValueError_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("colormap") << "viewer.colormap = 'jet'" << QStringList{"jet", "viridis", "turbo"};
    QTest::newRow("channel name") << "viewer.channel = 'Q'" << QStringList{"'Q'", "R, G, B"};
    QTest::newRow("channel index") << "viewer.channel = 7" << QStringList{"7", "0..2"};
    QTest::newRow("levels empty") << "viewer.levels = (5, 5)" << QStringList{"(5, 5)", "low < high"};
    QTest::newRow("levels nan") << "viewer.levels = (0, float('nan'))" << QStringList{"nan"};
    QTest::newRow("levels count") << "viewer.levels = [(0, 1)] * 2" << QStringList{"2 pairs", "3 channels"};
    QTest::newRow("auto mode") << "viewer.auto_levels(mode='median')" << QStringList{"median", "minmax", "percentile"};
    QTest::newRow("auto range") << "viewer.auto_levels(mode='percentile', low=50, high=10)" << QStringList{"low=50"};
    QTest::newRow("display") << "viewer.display_view = ('P3', 'Standard')" << QStringList{"P3", "sRGB"};
    QTest::newRow("view") << "viewer.display_view = ('sRGB', 'Filmic')" << QStringList{"Filmic", "Standard, Raw"};
    QTest::newRow("input space") << "viewer.input_colorspace = 'ACES'" << QStringList{"ACES", "linear, sRGB"};
}

void TestDisplayApi::badValuesRaiseValueError()
{
    QFETCH(QString, code);
    QFETCH(QStringList, mentions);
    const DisplaySettings before = m_viewer->current()->displaySettings();
    const QString out = run(QStringLiteral("try:\n    %1\nexcept ValueError as e:\n    print('ValueError:', e)\n").arg(code));
    QVERIFY2(out.startsWith(QLatin1String("ValueError:")), qPrintable(out));
    for (const QString &m : mentions)
        QVERIFY2(out.contains(m), qPrintable(out));
    QCOMPARE(m_viewer->current()->displaySettings().levels, before.levels); // nothing changed
    QCOMPARE(m_viewer->current()->displaySettings().colormap, before.colormap);
}

void TestDisplayApi::ocioDisplayViewAndInputSpace()
{
    run(QStringLiteral("np.asarray(viewer.image)[...] = 0.18\nviewer.levels = (0, 1)"));
    QCOMPARE(run(QStringLiteral("print(viewer.display_view, viewer.input_colorspace)")), QStringLiteral("None None\n"));
    run(QStringLiteral("viewer.display_view = ('sRGB', 'Standard')"));
    QCOMPARE(run(QStringLiteral("print(viewer.display_view)")), QStringLiteral("('sRGB', 'Standard')\n"));
    QTRY_COMPARE(canvasAt(10.5, 10.5), qRgb(118, 118, 118));
    run(QStringLiteral("viewer.display_view = ('sRGB', 'Raw')"));
    QTRY_COMPARE(canvasAt(10.5, 10.5), qRgb(46, 46, 46));
    run(QStringLiteral("viewer.input_colorspace = 'srgb'")); // names match case-insensitively
    QCOMPARE(run(QStringLiteral("print(viewer.input_colorspace)")), QStringLiteral("sRGB\n"));
    QTRY_COMPARE(canvasAt(10.5, 10.5), qRgb(7, 7, 7));
    run(QStringLiteral("viewer.display_view = None\nviewer.input_colorspace = None"));
    QTRY_COMPARE(canvasAt(10.5, 10.5), qRgb(46, 46, 46)); // levels 0..1, no transform: 0.18 * 255
}

QTEST_MAIN(TestDisplayApi)
#include "tst_displayapi.moc"
