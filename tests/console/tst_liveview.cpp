// The console and the view together: edits from Python show without a
// refresh call, loops animate, `viewer` works while the GUI is busy, and
// NumPy views outlive closed documents.
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <livepix/image.h>
#include <livepix/pixelbuffer.h>

#include "consolerun.h"
#include "console/pythonruntime.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestLiveView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void arrayIsTheDisplayedBuffer();
    void repaintsAfterStatementWithoutRefresh();
    void repaintsPeriodicallyWhileLoopRuns();
    void viewerCallsWaitForBusyGui();
    void viewerProperties_data();
    void viewerProperties();
    void viewerOpenShowClose();
    void openFailureRaisesImageError();
    void arrayOutlivesClosedImage();
    void errorsNeverCrash_data();
    void errorsNeverCrash();

private:
    /// Runs `code` as typed in the console; returns what it printed (stdout
    /// and stderr). Fails the test when `mustSucceed` and it raised.
    QString run(const QString &code, bool mustSucceed = true);
    QRgb canvasCentre();

    QTemporaryDir m_dir;
    Viewer *m_viewer = nullptr;
    Canvas *m_canvas = nullptr;
    PythonRuntime *m_runtime = nullptr;
};

void TestLiveView::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_dir.path().toLocal8Bit());
    m_viewer = new Viewer;
    m_canvas = new Canvas(m_viewer);
    m_canvas->resize(320, 240);
    m_canvas->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
    m_runtime = new PythonRuntime(m_viewer);
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
}

void TestLiveView::cleanupTestCase()
{
    delete m_runtime;
    delete m_canvas;
    delete m_viewer;
}

void TestLiveView::init()
{
    // A fresh opaque black 64x48 RGBA image for every test.
    for (Document *d : m_viewer->documents())
        m_viewer->close(d);
    Image image = Image::create(64, 48, 4, DType::UInt8);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x)
            image.at<std::uint8_t>(x, y, 3) = 255;
    m_viewer->show(image, QStringLiteral("black"));
    m_viewer->setZoom(0.0);
    m_runtime->setRepaintInterval(33);
    QTRY_COMPARE(canvasCentre(), qRgb(0, 0, 0));
}

QString TestLiveView::run(const QString &code, bool mustSucceed)
{
    const ConsoleRun r = runConsole(m_runtime, code);
    if (mustSucceed && !r.ok)
        qWarning("%s", qPrintable(r.error));
    if (mustSucceed)
        [&]() { QVERIFY2(r.ok, qPrintable(r.error)); }();
    return r.printed;
}

QRgb TestLiveView::canvasCentre()
{
    const QImage shot = m_canvas->grab().toImage();
    return shot.pixel(shot.width() / 2, shot.height() / 2) | 0xff000000u;
}

void TestLiveView::arrayIsTheDisplayedBuffer()
{
    const QString out = run(QStringLiteral(
        "a = np.asarray(viewer.image)\nprint(a.shape, a.dtype, a.__array_interface__['data'][0])"));
    const Image &shown = m_viewer->current()->image();
    const QString expected = QStringLiteral("(48, 64, 4) uint8 %1\n")
                                 .arg(quintptr(shown.data()));
    QCOMPARE(out, expected);
}

void TestLiveView::repaintsAfterStatementWithoutRefresh()
{
    // Only the end-of-statement path may repaint here: no periodic timer.
    m_runtime->setRepaintInterval(1000000);
    const int paints = m_canvas->paintCount();
    m_runtime->submit(QStringLiteral("np.asarray(viewer.image)[..., :3] = 255"));
    QTRY_COMPARE(canvasCentre(), qRgb(255, 255, 255));
    QVERIFY(m_canvas->paintCount() > paints);
}

void TestLiveView::repaintsPeriodicallyWhileLoopRuns()
{
    // A loop that paints row by row for ~1.5 s: the canvas must show
    // intermediate states while it runs, not only the end result.
    m_runtime->runSource(QStringLiteral(
        "import time\n"
        "a = np.asarray(viewer.image)\n"
        "for y in range(48):\n"
        "    a[y, :, :3] = 255\n"
        "    time.sleep(0.03)\n"));
    QTRY_VERIFY(m_runtime->isBusy());
    const int paintsBefore = m_canvas->paintCount();
    int partial = 0;
    while (m_runtime->isBusy()) {
        QTest::qWait(50);
        const QImage shot = m_canvas->grab().toImage();
        const QRgb top = shot.pixel(shot.width() / 2, shot.height() / 2 - 40) | 0xff000000u;
        const QRgb bottom = shot.pixel(shot.width() / 2, shot.height() / 2 + 40) | 0xff000000u;
        if (top == qRgb(255, 255, 255) && bottom == qRgb(0, 0, 0))
            ++partial; // the top rows are done, the bottom ones not yet
    }
    const int paintsWhileRunning = m_canvas->paintCount() - paintsBefore;
    qInfo("%d paints while the loop ran; %d grabs showed a half-painted image", paintsWhileRunning, partial);
    QVERIFY(paintsWhileRunning >= 10);
    QVERIFY(partial >= 1);
    QTRY_COMPARE(canvasCentre(), qRgb(255, 255, 255));
}

void TestLiveView::viewerCallsWaitForBusyGui()
{
    // Python asks the viewer while the GUI thread is busy: the call waits
    // for the GUI (no deadlock, no answer from the wrong thread).
    QSignalSpy done(m_runtime, &PythonRuntime::executionFinished);
    m_runtime->runSource(QStringLiteral(
        "import time\nt0 = time.perf_counter()\nviewer.exposure = 1.5\n"
        "waited = time.perf_counter() - t0\nz = viewer.exposure"));
    QThread::msleep(400); // the GUI is busy and handles no events
    QVERIFY(done.wait(10000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QCOMPARE(m_viewer->exposure(), 1.5);
    const QString out = run(QStringLiteral("print(z, waited > 0.2)"));
    QCOMPARE(out, QStringLiteral("1.5 True\n"));
    m_viewer->setExposure(0.0);
}

void TestLiveView::viewerProperties_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("value");
    QTest::newRow("zoom") << "zoom" << 2.0;
    QTest::newRow("exposure") << "exposure" << -1.0;
    QTest::newRow("gamma") << "gamma" << 1.8;
}

void TestLiveView::viewerProperties()
{
    QFETCH(QString, name);
    QFETCH(double, value);
    const QString out = run(QStringLiteral("viewer.%1 = %2\nprint(viewer.%1)").arg(name).arg(value));
    QCOMPARE(out.trimmed().toDouble(), value);
    const double cpp = name == QLatin1String("zoom")       ? m_viewer->zoom()
                       : name == QLatin1String("exposure") ? m_viewer->exposure()
                                                           : m_viewer->gamma();
    QCOMPARE(cpp, value);
    m_viewer->setExposure(0.0);
    m_viewer->setGamma(2.2);
    m_viewer->setZoom(0.0);
}

void TestLiveView::viewerOpenShowClose()
{
    const QString path = m_dir.filePath(QStringLiteral("red.png"));
    QImage red(30, 20, QImage::Format_RGB888);
    red.fill(Qt::red);
    QVERIFY(red.save(path));

    QString out = run(QStringLiteral("img = viewer.open(%1)\nprint(img.width, img.height, len(viewer.images))")
                          .arg(QStringLiteral("'") + path + QStringLiteral("'")));
    QCOMPARE(out, QStringLiteral("30 20 2\n"));
    QCOMPARE(m_viewer->documents().size(), 2);
    QCOMPARE(m_viewer->current()->image().width(), 30);

    // An array is copied into a new image and shown under its name.
    out = run(QStringLiteral("g = np.full((10, 40, 3), 7, np.uint8)\nshown = viewer.show(g, name='grey')\n"
                             "g[:] = 0\nprint(type(shown).__name__, shown.shape, int(np.asarray(viewer.image).max()))"));
    QCOMPARE(out, QStringLiteral("Image (10, 40, 3) 7\n"));
    QCOMPARE(m_viewer->current()->name(), QStringLiteral("grey"));

    // A livepix.Image is shown sharing its memory.
    out = run(QStringLiteral("mine = livepix.Image(8, 8, 1, 'float32')\nshown = viewer.show(mine)\n"
                             "np.asarray(mine)[:] = 0.25\nprint(float(np.asarray(viewer.image)[3, 3]))"));
    QCOMPARE(out, QStringLiteral("0.25\n"));

    out = run(QStringLiteral("viewer.close(img)\nviewer.close()\nprint(len(viewer.images), repr(viewer))"));
    QVERIFY2(out.startsWith(QStringLiteral("2 <livepix viewer: 2 image(s)")), qPrintable(out));
    QCOMPARE(m_viewer->documents().size(), 2);

    out = run(QStringLiteral("try:\n    viewer.close(livepix.Image(2, 2))\nexcept ValueError as e:\n    print('ValueError', e)\n"));
    QCOMPARE(out, QStringLiteral("ValueError this image is not open in the viewer\n"));
}

void TestLiveView::openFailureRaisesImageError()
{
    const QString out = run(QStringLiteral(
        "try:\n    viewer.open('/nonexistent/missing.png')\n"
        "except livepix.ImageError as e:\n    print(isinstance(e, OSError), e.filename, 'missing.png' in str(e))\n"));
    QCOMPARE(out, QStringLiteral("True /nonexistent/missing.png True\n"));
}

void TestLiveView::arrayOutlivesClosedImage()
{
    // Drop what earlier tests left in the namespace, so counting is exact.
    run(QStringLiteral("a = img = shown = g = mine = None\nimport gc; gc.collect()"));
    const qint64 buffersBefore = PixelBuffer::liveCount();
    const QString out = run(QStringLiteral(
        "a = np.asarray(viewer.image)\nviewer.close(viewer.image)\na[:] = 1\n"
        "print(len(viewer.images), int(a.sum()) == a.size)"));
    QCOMPARE(out, QStringLiteral("0 True\n"));
    // The array still holds the buffer; dropping it frees the memory.
    QCOMPARE(PixelBuffer::liveCount(), buffersBefore);
    run(QStringLiteral("del a\nimport gc; gc.collect()"));
    QCOMPARE(PixelBuffer::liveCount(), buffersBefore - 1);
}

void TestLiveView::errorsNeverCrash_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bad attribute") << "viewer.nope" << "AttributeError";
    QTest::newRow("bad zoom type") << "viewer.zoom = 'big'" << "TypeError";
    QTest::newRow("show bad dtype") << "viewer.show(np.zeros((4, 4), np.complex64))" << "TypeError";
    QTest::newRow("recursion") << "def r(): return r()\nr()" << "RecursionError";
    QTest::newRow("write past the end") << "np.asarray(viewer.image)[1000] = 0" << "IndexError";
}

void TestLiveView::errorsNeverCrash()
{
    QFETCH(QString, code);
    QFETCH(QString, expected);
    const QString out = run(code, false);
    QVERIFY2(out.contains(expected), qPrintable(out));
    QCOMPARE(run(QStringLiteral("print('ok')")), QStringLiteral("ok\n"));
}

QTEST_MAIN(TestLiveView)
#include "tst_liveview.moc"
