// WorkUnits' frame gate: a unit that ends on another thread (the Python
// worker, an attached client) takes its changes only after the canvas has
// drawn them, so that copying the unit out does not compete with the frame;
// a view that never paints delays the unit boundedly, and a unit that
// wrote nothing does not wait at all.
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <thread>

#include <livepix/image.h>

#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"

using namespace livepix;
using namespace livepix::gui;

namespace {
Image gradient(int width, int height)
{
    Image image = Image::create(width, height, 4, DType::UInt8);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 4; ++c)
                image.at<std::uint8_t>(x, y, c) = std::uint8_t(c == 3 ? 255 : (x + y * c) & 0xff);
    return image;
}

/// Runs `unit` on a thread of its own between begin() and end(), as the
/// Python worker runs a request, and waits (serving events) until it ends.
void runUnitOnAnotherThread(WorkUnits *units, const std::function<void()> &unit)
{
    std::atomic<bool> done{false};
    std::thread worker([&] {
        units->begin(QStringLiteral("edit"));
        unit();
        units->end();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000);
    worker.join();
}
} // namespace

class TestWorkUnits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void changesAreTakenAfterTheCanvasDrewThem();
    void canvasOwesAFrameFromAChangeToItsPaint();
    void aChangeOffScreenOwesNoFrame();
    void aGateThatNeverOpensOnlyDelaysTheUnit();
    void aUnitThatWroteNothingDoesNotAskTheGate();
};

void TestWorkUnits::changesAreTakenAfterTheCanvasDrewThem()
{
    Viewer viewer;
    MainWindow window(&viewer);
    window.resize(800, 600);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    Image image = gradient(640, 480);
    Document *document = viewer.show(image, QStringLiteral("gradient"));
    QVERIFY(document->history()); // tracks the buffer's writes
    auto *canvas = window.findChild<Canvas *>();
    QVERIFY(canvas);
    QTRY_VERIFY(canvas->paintCount() > 0 && !canvas->owesFrame());

    // The frame of the write is painted while the unit's changes are still
    // open (not yet being compared and copied out), and the step is
    // recorded after it.
    int paintsBefore = -1;
    int paintsWhenRecorded = -1;
    int openAtPaint = -1; // at the first paint after the write
    const WriteTracker *tracker = image.buffer()->writeTracker();
    QVERIFY(tracker);
    connect(canvas, &Canvas::painted, this, [&] {
        if (paintsBefore >= 0 && openAtPaint < 0)
            openAtPaint = tracker->hasOpenWrites() ? 1 : 0;
    });
    connect(viewer.workUnits(), &WorkUnits::recorded, this, [&] { paintsWhenRecorded = canvas->paintCount(); });
    runUnitOnAnotherThread(viewer.workUnits(), [&] {
        QMetaObject::invokeMethod(&viewer, [&] { paintsBefore = canvas->paintCount(); }, Qt::BlockingQueuedConnection);
        for (int y = 100; y < 200; ++y)
            for (int x = 100; x < 200; ++x)
                image.at<std::uint8_t>(x, y, 0) = 7;
        // What the console does at a statement's end: show it now.
        QMetaObject::invokeMethod(&viewer, &Viewer::pixelsMayHaveChanged, Qt::QueuedConnection);
    });
    QTRY_VERIFY(paintsWhenRecorded >= 0);
    QCOMPARE(openAtPaint, 1);
    QVERIFY2(paintsWhenRecorded > paintsBefore,
             qPrintable(QStringLiteral("recorded at paint %1, the write came at paint %2")
                            .arg(paintsWhenRecorded)
                            .arg(paintsBefore)));
    QCOMPARE(document->history()->count(), std::size_t(1));
}

// What the gate asks: a frame is owed from a pixels change to the next paint,
// and only while the canvas is shown.
void TestWorkUnits::canvasOwesAFrameFromAChangeToItsPaint()
{
    Viewer viewer;
    MainWindow window(&viewer);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    Image image = gradient(64, 64);
    viewer.show(image, QStringLiteral("gradient"));
    auto *canvas = window.findChild<Canvas *>();
    QTRY_VERIFY(canvas->paintCount() > 0 && !canvas->owesFrame());
    image.at<std::uint8_t>(3, 3, 0) = 1;
    viewer.pixelsMayHaveChanged();
    QVERIFY(canvas->owesFrame());
    QTRY_VERIFY(!canvas->owesFrame());
    window.hide();
    image.at<std::uint8_t>(3, 3, 0) = 2;
    viewer.pixelsMayHaveChanged();
    QVERIFY(!canvas->owesFrame()); // hidden: no paint is coming
}

// Rows changed off screen (zoomed in) owe no frame: none would come, and the
// gate would hold the unit until an unrelated paint.
void TestWorkUnits::aChangeOffScreenOwesNoFrame()
{
    Viewer viewer;
    MainWindow window(&viewer);
    window.resize(500, 400);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Rows of 8 KiB: a tracked 2 MiB chunk is 256 rows.
    Image image = gradient(2048, 4000);
    viewer.show(image, QStringLiteral("tall"));
    auto *canvas = window.findChild<Canvas *>();
    canvas->zoomActualSize();
    QTRY_VERIFY(canvas->paintCount() > 0 && !canvas->owesFrame());
    const QRect visible = canvas->visibleImageRect();
    QVERIFY2(visible.bottom() < 3500, qPrintable(QString::number(visible.bottom())));
    // Rows are known once the buffer's writes are tracked (as for every
    // document with undo) and the canvas has seen one change since.
    image.buffer()->enableWriteTracking();
    QTest::qWait(Canvas::StreamGapMs + 20);
    image.at<std::uint8_t>(3, visible.center().y(), 0) ^= 0xff;
    viewer.pixelsMayHaveChanged();
    QTRY_VERIFY(!canvas->owesFrame());
    const int paints = canvas->paintCount();
    QTest::qWait(Canvas::StreamGapMs + 20); // a single change, not a stream (drafts owe whole frames)
    image.at<std::uint8_t>(3, 3990, 0) ^= 0xff; // below the view
    viewer.pixelsMayHaveChanged();
    QVERIFY(!canvas->owesFrame());
    QTest::qWait(100);
    QCOMPARE(canvas->paintCount(), paints); // and indeed none came
    // A row on screen owes one, and it comes.
    QTest::qWait(Canvas::StreamGapMs + 20);
    image.at<std::uint8_t>(3, visible.center().y(), 0) ^= 0xff;
    viewer.pixelsMayHaveChanged();
    QVERIFY(canvas->owesFrame());
    QTRY_VERIFY(!canvas->owesFrame());
    QVERIFY(canvas->paintCount() > paints);
}

void TestWorkUnits::aGateThatNeverOpensOnlyDelaysTheUnit()
{
    Viewer viewer;
    Image image = gradient(64, 64);
    Document *document = viewer.show(image, QStringLiteral("gradient"));
    int asked = 0;
    viewer.workUnits()->setFrameGate([&asked](const std::function<void()> &) { ++asked; });
    runUnitOnAnotherThread(viewer.workUnits(), [&] { image.at<std::uint8_t>(1, 1, 0) = 99; });
    QCOMPARE(asked, 1);
    QTRY_COMPARE(document->history()->count(), std::size_t(1));
}

void TestWorkUnits::aUnitThatWroteNothingDoesNotAskTheGate()
{
    Viewer viewer;
    Image image = gradient(64, 64);
    Document *document = viewer.show(image, QStringLiteral("gradient"));
    int asked = 0;
    viewer.workUnits()->setFrameGate([&asked](const std::function<void()> &done) {
        ++asked;
        done();
    });
    runUnitOnAnotherThread(viewer.workUnits(), [] {});
    QCoreApplication::processEvents();
    QCOMPARE(asked, 0);
    QCOMPARE(document->history()->count(), std::size_t(0));
}

QTEST_MAIN(TestWorkUnits)
#include "tst_workunits.moc"
