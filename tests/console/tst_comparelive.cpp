// Compare and histogram from the console: viewer.compare(), compare_metrics()
// equal to NumPy, the difference view equal to NumPy's difference, errors,
// and live updates (metrics, difference view, histogram dock) after console
// edits with no refresh call, also while a loop still runs.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <livepix/image.h>

#include "consolerun.h"
#include "console/pythonruntime.h"
#include "viewer/canvas.h"
#include "viewer/comparecontroller.h"
#include "viewer/document.h"
#include "viewer/viewer.h"
#include "widgets/histogramdock.h"

using namespace livepix;
using namespace livepix::gui;

class TestCompareLive : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void compareStartsAndEnds();
    void metricsEqualNumPy_data();
    void metricsEqualNumPy();
    void differenceViewEqualsNumPy_data();
    void differenceViewEqualsNumPy();
    void autoLevelsFitTheDifference_data();
    void autoLevelsFitTheDifference();
    void errorsAreClear_data();
    void errorsAreClear();
    void consoleEditsUpdateMetricsAndView();
    void histogramChangesWhileLoopRuns();

private:
    QString run(const QString &code, bool mustSucceed = true);
    CompareController *controller() const { return CompareController::forViewer(m_viewer); }

    QTemporaryDir m_dir;
    Viewer *m_viewer = nullptr;
    Canvas *m_canvas = nullptr;
    HistogramDock *m_dock = nullptr;
    PythonRuntime *m_runtime = nullptr;
};

void TestCompareLive::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_dir.path().toLocal8Bit());
    m_viewer = new Viewer;
    m_canvas = new Canvas(m_viewer);
    m_canvas->resize(320, 240);
    m_canvas->show();
    m_dock = new HistogramDock(m_viewer);
    m_dock->resize(300, 240);
    m_dock->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
    m_runtime = new PythonRuntime(m_viewer);
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
}

void TestCompareLive::cleanupTestCase()
{
    delete m_runtime;
    delete m_dock;
    delete m_canvas;
    delete m_viewer;
}

void TestCompareLive::init()
{
    for (Document *d : m_viewer->documents())
        m_viewer->close(d);
    QCoreApplication::processEvents();
    m_viewer->setZoom(0.0);
    m_runtime->setRepaintInterval(33);
    // a (the reference) and b (current): random uint8 RGBA, a few pixels apart.
    run(QStringLiteral("rng = np.random.default_rng(3)\n"
                       "a = viewer.show(rng.integers(0, 256, (30, 40, 4), dtype=np.uint8), name='a')\n"
                       "bb = np.asarray(a).copy()\nbb[5:9, 7:20, :2] //= 2\n"
                       "b = viewer.show(bb, name='b')\n"));
}

QString TestCompareLive::run(const QString &code, bool mustSucceed)
{
    const ConsoleRun r = runConsole(m_runtime, code);
    if (mustSucceed && !r.ok)
        qWarning("%s", qPrintable(r.error));
    if (mustSucceed)
        [&]() { QVERIFY2(r.ok, qPrintable(r.error)); }();
    return r.printed;
}

void TestCompareLive::compareStartsAndEnds()
{
    QCOMPARE(run(QStringLiteral("viewer.compare(a, mode='split')\nprint(viewer.image is not None)")),
             QStringLiteral("True\n"));
    Document *current = m_viewer->current();
    QCOMPARE(current->name(), QStringLiteral("b"));
    QCOMPARE(current->displaySettings().compareMode, CompareMode::Split);
    QCOMPARE(controller()->referenceOf(current)->name(), QStringLiteral("a"));
    run(QStringLiteral("viewer.compare(a)")); // the default mode is the signed difference
    QCOMPARE(current->displaySettings().compareMode, CompareMode::Difference);
    run(QStringLiteral("viewer.compare(None)"));
    QCOMPARE(current->displaySettings().compareMode, CompareMode::None);
    QVERIFY(!controller()->referenceOf(current));
}

void TestCompareLive::metricsEqualNumPy_data()
{
    QTest::addColumn<QString>("setup");
    QTest::newRow("uint8 rgba") << QString();
    QTest::newRow("float32 rgb") << QStringLiteral(
        "a = viewer.show(rng.random((20, 30, 3), dtype=np.float32), name='fa')\n"
        "b = viewer.show(np.asarray(a) + rng.normal(0, 0.01, (20, 30, 3)).astype(np.float32), name='fb')\n");
    QTest::newRow("different sizes") << QStringLiteral(
        "a = viewer.show(rng.integers(0, 256, (25, 50, 3), dtype=np.uint8), name='big')\n"
        "b = viewer.show(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8), name='small')\n");
}

void TestCompareLive::metricsEqualNumPy()
{
    QFETCH(QString, setup);
    run(setup);
    const QString out = run(QStringLiteral(
        "viewer.compare(a, mode='absolute')\n"
        "m = viewer.compare_metrics()\n"
        "A = np.asarray(b).astype(np.float64); B = np.asarray(a).astype(np.float64)\n"
        "h, w = min(A.shape[0], B.shape[0]), min(A.shape[1], B.shape[1])\n"
        "d = A[:h, :w, :3] - B[:h, :w, :3]\n"
        "mse = (d ** 2).mean()\n"
        "peak = 255.0 if np.asarray(b).dtype == np.uint8 else 1.0\n"
        "psnr = 10 * np.log10(peak ** 2 / mse)\n"
        "print(np.isclose(m['mse'], mse, rtol=1e-12, atol=0), np.isclose(m['psnr'], psnr, rtol=1e-12),\n"
        "      m['max_abs'] == np.abs(d).max(), m['differing'] == int((d != 0).any(axis=2).sum()),\n"
        "      m['overlap'] == (w, h), m['sizes_differ'] == (A.shape != B.shape), m['channels'])\n"));
    QCOMPARE(out, QStringLiteral("True True True True True True 3\n"));
}

void TestCompareLive::differenceViewEqualsNumPy_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("formula");
    QTest::newRow("difference") << "difference" << "A - B";
    QTest::newRow("absolute") << "absolute" << "np.abs(A - B)";
    QTest::newRow("squared") << "squared" << "(A - B) ** 2";
    QTest::newRow("relative") << "relative" << "np.abs(A - B) / np.maximum(np.abs(B), 1e-3)";
}

void TestCompareLive::differenceViewEqualsNumPy()
{
    QFETCH(QString, mode);
    QFETCH(QString, formula);
    const QString path = m_dir.filePath(QStringLiteral("expected.f32"));
    // 1:1 in a 320x240 canvas: the whole 40x30 image is differenced at step 1.
    run(QStringLiteral("viewer.zoom = 1\nviewer.compare(a, mode='%1')\n"
                       "A = np.asarray(b)[..., :3].astype(np.float64); B = np.asarray(a)[..., :3].astype(np.float64)\n"
                       "(%2).astype('<f4').tofile('%3')\n")
            .arg(mode, formula, path));
    m_canvas->grab();
    const Image shown = m_canvas->differenceCache().last().image;
    QCOMPARE(m_canvas->differenceCache().last().region, QRect(0, 0, 40, 30));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QCOMPARE(bytes.size(), qsizetype(40 * 30 * 3 * 4));
    const auto *expected = reinterpret_cast<const float *>(bytes.constData());
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x)
            for (int c = 0; c < 3; ++c)
                QCOMPARE(shown.at<float>(x, y, c), expected[(y * 40 + x) * 3 + c]);
}

void TestCompareLive::autoLevelsFitTheDifference_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("formula");
    QTest::addColumn<QString>("call");
    QTest::newRow("difference") << "difference" << "A - B" << "viewer.auto_levels()";
    QTest::newRow("absolute") << "absolute" << "np.abs(A - B)" << "viewer.auto_levels()";
    QTest::newRow("squared") << "squared" << "(A - B) ** 2" << "viewer.auto_levels()";
    QTest::newRow("relative") << "relative" << "np.abs(A - B) / np.maximum(np.abs(B), 1e-3)"
                              << "viewer.auto_levels()";
    // Percentiles 0 and 100 (NumPy's "lower" / "higher") are the minimum and maximum.
    QTest::newRow("absolute percentile") << "absolute" << "np.abs(A - B)"
                                         << "viewer.auto_levels(mode='percentile', low=0, high=100)";
}

void TestCompareLive::autoLevelsFitTheDifference()
{
    QFETCH(QString, mode);
    QFETCH(QString, formula);
    QFETCH(QString, call);
    // b's own values span 0..255; the difference with a is what the levels must fit.
    const QString out = run(QStringLiteral("viewer.compare(a, mode='%1')\n%3\n"
                                           "A = np.asarray(b)[..., :3].astype(np.float64)\n"
                                           "B = np.asarray(a)[..., :3].astype(np.float64)\n"
                                           "d = (%2).astype(np.float32)\n"
                                           "lo, hi = viewer.levels\n"
                                           "print(lo == d.min(), hi == d.max(), lo, hi, d.min(), d.max())\n")
                                .arg(mode, formula, call));
    QVERIFY2(out.startsWith(QLatin1String("True True ")), qPrintable(out));
}

void TestCompareLive::errorsAreClear_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not open") << "viewer.compare(livepix.Image(4, 4))"
                              << "ValueError: this image is not open in the viewer";
    QTest::newRow("itself") << "viewer.compare(b)" << "ValueError: an image cannot be compared with itself";
    QTest::newRow("bad mode") << "viewer.compare(a, mode='sideways')" << "ValueError: unknown compare mode 'sideways'";
    QTest::newRow("array") << "viewer.compare(np.zeros((4, 4)))" << "TypeError: compare() takes the Image of an open";
    QTest::newRow("no comparison") << "viewer.compare(None)\nviewer.compare_metrics()"
                                   << "RuntimeError: the current image is not compared";
}

void TestCompareLive::errorsAreClear()
{
    QFETCH(QString, code);
    QFETCH(QString, expected);
    const QString out = run(code, false);
    QVERIFY2(out.contains(expected), qPrintable(out));
    QCOMPARE(run(QStringLiteral("print('ok')")), QStringLiteral("ok\n"));
}

void TestCompareLive::consoleEditsUpdateMetricsAndView()
{
    run(QStringLiteral("viewer.zoom = 1\nviewer.compare(a, mode='difference')"));
    QTRY_VERIFY(controller()->metricsCurrent());
    const std::uint64_t differing = controller()->metrics()->differing;
    // Edit the reference (a) from the console: no refresh call anywhere.
    m_runtime->submit(QStringLiteral("np.asarray(a)[0, 0, :3] = np.asarray(b)[0, 0, :3] ^ 0x80"));
    QTRY_VERIFY(controller()->metricsCurrent() && controller()->metrics()->differing == differing + 1);
    QTRY_VERIFY(std::abs(m_canvas->differenceCache().last().image.at<float>(0, 0, 0)) == 128.0f);
    // Edit the compared image (b): pixel (0, 0) equal again.
    m_runtime->submit(QStringLiteral("np.asarray(b)[0, 0, :3] = np.asarray(a)[0, 0, :3]"));
    QTRY_VERIFY(controller()->metricsCurrent() && controller()->metrics()->differing == differing);
    QTRY_COMPARE(m_canvas->differenceCache().last().image.at<float>(0, 0, 0), 0.0f);
    QVERIFY(controller()->metricsText().contains(QStringLiteral("%1 differing").arg(differing)));
}

void TestCompareLive::histogramChangesWhileLoopRuns()
{
    run(QStringLiteral("f = viewer.show(np.zeros((64, 64), np.float32), name='ramp')"));
    QTRY_VERIFY(m_dock->data() && m_dock->data()->histogram.stats[0].max == 0.0);
    // A loop that raises the maximum step by step for about 1.5 s.
    m_runtime->runSource(QStringLiteral("import time\n"
                                        "arr = np.asarray(f)\n"
                                        "for i in range(1, 51):\n"
                                        "    arr[i, :] = i\n"
                                        "    time.sleep(0.03)\n"));
    QTRY_VERIFY(m_runtime->isBusy());
    QList<double> seen;
    while (m_runtime->isBusy()) {
        QTest::qWait(20);
        if (m_runtime->isBusy() && m_dock->data()) {
            const double max = m_dock->data()->histogram.stats[0].max;
            if (seen.isEmpty() || seen.last() != max)
                seen << max;
        }
    }
    qInfo("maxima the dock showed while the loop ran: %d distinct", int(seen.size()));
    // Intermediate histograms (neither the start nor the end state) while it ran.
    int intermediate = 0;
    for (double max : std::as_const(seen))
        intermediate += max > 0.0 && max < 50.0;
    QVERIFY(intermediate >= 2);
    QTRY_COMPARE(m_dock->data()->histogram.stats[0].max, 50.0);
}

QTEST_MAIN(TestCompareLive)
#include "tst_comparelive.moc"
