// Canvas: what ends up on screen, checked by pixel values of grab().
#include <QtTest>

#include <livepix/image.h>

#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/liveedit.h"
#include "viewer/pixelinfo.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

/// 8x4 RGB image whose pixel (x, y) is (30x, 60y, 200).
Image pattern()
{
    Image image = Image::create(8, 4, 3, DType::UInt8);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 8; ++x) {
            image.at<std::uint8_t>(x, y, 0) = std::uint8_t(30 * x);
            image.at<std::uint8_t>(x, y, 1) = std::uint8_t(60 * y);
            image.at<std::uint8_t>(x, y, 2) = 200;
        }
    return image;
}

QColor expected(int x, int y) { return QColor(30 * x, 60 * y, 200); }

/// The colour of pixel (x, y) in the large images: no two neighbours and no
/// two pixels 256 apart along a row or a column share it.
QColor largePattern(int x, int y) { return QColor(x & 255, y & 255, ((x >> 8) * 7 + (y >> 8) * 13) & 255); }

/// Writes largePattern (alpha 255) into [x0, x1) x [y0, y1) of an RGBA8 or
/// RGBA float32 image (as value / 255); the rest stays transparent zero.
void paintPattern(Image &image, int x0, int y0, int x1, int y1)
{
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const QColor c = largePattern(x, y);
            const int values[4] = {c.red(), c.green(), c.blue(), 255};
            for (int ch = 0; ch < 4; ++ch) {
                if (image.dtype() == DType::UInt8)
                    image.at<std::uint8_t>(x, y, ch) = std::uint8_t(values[ch]);
                else
                    image.at<float>(x, y, ch) = float(values[ch]) / 255.0f;
            }
        }
}

/// Compares every third screen pixel of `shot` that shows a pattern block
/// (the `block`-sized corners of an image of `size`, drawn with its pixel
/// (0, 0) at `origin` and `zoom` screen pixels per image pixel) with
/// largePattern, each channel within `tolerance`. Returns the first
/// difference, described, or an empty string; `checked` counts the pixels.
QString firstPatternMismatch(const QImage &shot, const QSize &size, const QPointF &origin, double zoom, int block,
                             int tolerance, int *checked)
{
    for (int sy = 1; sy < shot.height(); sy += 3)
        for (int sx = 1; sx < shot.width(); sx += 3) {
            const int x = int(std::floor((sx + 0.5 - origin.x()) / zoom));
            const int y = int(std::floor((sy + 0.5 - origin.y()) / zoom));
            if (x < 0 || y < 0 || x >= size.width() || y >= size.height())
                continue;
            const bool inBlock = (x < block || x >= size.width() - block) && (y < block || y >= size.height() - block);
            if (!inBlock)
                continue;
            const QColor got = shot.pixelColor(sx, sy);
            const QColor want = largePattern(x, y);
            if (std::abs(got.red() - want.red()) > tolerance || std::abs(got.green() - want.green()) > tolerance ||
                std::abs(got.blue() - want.blue()) > tolerance)
                return QStringLiteral("screen (%1, %2) shows %3, image pixel (%4, %5) is %6")
                    .arg(sx)
                    .arg(sy)
                    .arg(got.name(), QString::number(x), QString::number(y), want.name());
            ++*checked;
        }
    return {};
}

} // namespace

class TestCanvas : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void actualSizeShowsEveryPixel();
    void integerZoomIsNearestNeighbour();
    void fitScalesAndCentres();
    void checkerboardOnlyUnderTransparentPixels();
    void floatImageShownThroughExposure();
    void wheelZoomsAroundTheCursor();
    void keysZoomAndPan();
    void zoomFromElsewhereKeepsTheCentre();
    void pixelGridWhenZoomedInFar();
    void pixelsChangedRepaintsCoalesced();
    void streamOfEditsPaintsDraftsThenOneSmoothFrame();
    void trackedEditRepaintsOnlyItsRows();
    void smoothFrameIsTheAreaMeanOfEachScreenPixel();
    void newViewOfAHugeImageIsADraftFirst();
    void closingWhileReducingInTheBackground();
    void hoverReportsImagePixel();
    void imagesBeyondQtLimitsAtEveryCorner_data();
    void imagesBeyondQtLimitsAtEveryCorner();

private:
    /// The fitted frame of the image shown now (of `size`): scale, centring,
    /// background around it and checkerboard where it is transparent.
    void checkFittedFrame(const QSize &size);

    Viewer *m_viewer = nullptr;
    Canvas *m_canvas = nullptr;
};

void TestCanvas::init()
{
    m_viewer = new Viewer;
    m_canvas = new Canvas(m_viewer);
    m_canvas->resize(200, 100);
    m_canvas->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
}

void TestCanvas::cleanup()
{
    delete m_canvas;
    delete m_viewer;
}

void TestCanvas::actualSizeShowsEveryPixel()
{
    m_viewer->show(pattern(), QStringLiteral("p"));
    m_viewer->setZoom(1.0);
    QCOMPARE(m_canvas->scale(), 1.0);
    const QImage shot = m_canvas->grab().toImage();
    const QPoint o = m_canvas->origin().toPoint();
    QCOMPARE(o, QPoint(96, 48)); // centred
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 8; ++x)
            QCOMPARE(shot.pixelColor(o + QPoint(x, y)), expected(x, y));
    QCOMPARE(shot.pixelColor(o + QPoint(-1, 0)), Canvas::background());
    QCOMPARE(shot.pixelColor(o + QPoint(8, 3)), Canvas::background());
}

void TestCanvas::integerZoomIsNearestNeighbour()
{
    m_viewer->show(pattern(), QStringLiteral("p"));
    m_viewer->setZoom(2.0);
    const QImage shot = m_canvas->grab().toImage();
    const QPoint o = m_canvas->origin().toPoint();
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 8; ++x)
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx)
                    QCOMPARE(shot.pixelColor(o + QPoint(2 * x + dx, 2 * y + dy)), expected(x, y));
}

void TestCanvas::fitScalesAndCentres()
{
    m_viewer->show(pattern(), QStringLiteral("p")); // opens fitted
    QVERIFY(m_viewer->fitToWindow());
    QCOMPARE(m_canvas->scale(), 25.0); // 100 / 4
    QCOMPARE(m_canvas->origin(), QPointF(0, 0));
    const QImage shot = m_canvas->grab().toImage();
    // Centres of the magnified pixels (away from the grid lines).
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 8; ++x)
            QCOMPARE(shot.pixelColor(25 * x + 12, 25 * y + 12), expected(x, y));

    m_canvas->resize(100, 100);
    QCOMPARE(m_canvas->scale(), 12.5);
    QCOMPARE(m_canvas->origin(), QPointF(0, 25));
}

void TestCanvas::checkerboardOnlyUnderTransparentPixels()
{
    Image image = Image::create(64, 32, 4, DType::UInt8);
    for (int y = 0; y < 32; ++y)
        for (int x = 32; x < 64; ++x) { // right half opaque red
            image.at<std::uint8_t>(x, y, 0) = 255;
            image.at<std::uint8_t>(x, y, 3) = 255;
        }
    m_viewer->show(image, QStringLiteral("alpha"));
    m_viewer->setZoom(1.0);
    const QImage shot = m_canvas->grab().toImage();
    const QPoint o = m_canvas->origin().toPoint();
    QSet<QRgb> seen;
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) {
            const QColor c = shot.pixelColor(o + QPoint(x, y));
            QVERIFY2(c == Canvas::checkerLight() || c == Canvas::checkerDark(), qPrintable(c.name()));
            seen.insert(c.rgb());
        }
    QCOMPARE(seen.size(), 2); // both squares of the checkerboard show
    QCOMPARE(shot.pixelColor(o + QPoint(40, 10)), QColor(255, 0, 0));
    // Outside the image: plain background, no checkerboard.
    QCOMPARE(shot.pixelColor(o + QPoint(-3, 10)), Canvas::background());

    // Half-transparent pixels blend over it.
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x)
            image.at<std::uint8_t>(x, y, 3) = 128; // black at 50%
    m_viewer->pixelsMayHaveChanged();
    const QImage blended = m_canvas->grab().toImage();
    const QColor c = blended.pixelColor(o + QPoint(1, 1));
    QVERIFY(c.red() < Canvas::checkerLight().red() && c.red() > 0);
}

void TestCanvas::floatImageShownThroughExposure()
{
    Image image = Image::create(4, 4, 3, DType::Float32);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x)
            for (int c = 0; c < 3; ++c)
                image.at<float>(x, y, c) = 0.25f;
    Document *document = m_viewer->show(image, QStringLiteral("hdr"));
    m_viewer->setZoom(1.0);
    const QPoint o = m_canvas->origin().toPoint();
    // A constant image opens with levels centred on its value: mid grey.
    QCOMPARE(m_canvas->grab().toImage().pixelColor(o + QPoint(2, 2)), QColor(128, 128, 128));
    DisplaySettings settings = document->displaySettings();
    settings.levels.assign(3, LevelRange{0.0, 1.0});
    document->setDisplaySettings(settings);
    QCOMPARE(m_canvas->grab().toImage().pixelColor(o + QPoint(2, 2)), QColor(64, 64, 64));
    m_viewer->setExposure(1.0);
    QCOMPARE(m_canvas->grab().toImage().pixelColor(o + QPoint(2, 2)), QColor(128, 128, 128));
    m_viewer->setExposure(0.0);
    m_viewer->setGamma(2.0);
    QCOMPARE(m_canvas->grab().toImage().pixelColor(o + QPoint(2, 2)), QColor(128, 128, 128));
}

void TestCanvas::wheelZoomsAroundTheCursor()
{
    m_viewer->show(Image::create(400, 200, 3, DType::UInt8), QStringLiteral("big"));
    m_viewer->setZoom(1.0);
    const QPointF cursor(150, 30);
    const QPointF before = m_canvas->widgetToImage(cursor);
    QWheelEvent wheel(cursor, m_canvas->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_canvas, &wheel);
    QVERIFY(m_viewer->zoom() > 1.0);
    const QPointF after = m_canvas->widgetToImage(cursor);
    QVERIFY2(qAbs(after.x() - before.x()) < 1.0 && qAbs(after.y() - before.y()) < 1.0,
             qPrintable(QStringLiteral("%1,%2 -> %3,%4").arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));
}

void TestCanvas::keysZoomAndPan()
{
    m_viewer->show(Image::create(400, 200, 3, DType::UInt8), QStringLiteral("big"));
    QTest::keyClick(m_canvas, Qt::Key_1);
    QCOMPARE(m_viewer->zoom(), 1.0);
    QTest::keyClick(m_canvas, Qt::Key_Plus);
    QVERIFY(m_viewer->zoom() > 1.0);
    QTest::keyClick(m_canvas, Qt::Key_Minus);
    QCOMPARE(m_viewer->zoom(), 1.0);
    const QPointF before = m_canvas->origin();
    QTest::keyClick(m_canvas, Qt::Key_Right);
    QVERIFY(m_canvas->origin().x() < before.x()); // view moved right over the image
    QTest::keyClick(m_canvas, Qt::Key_F);
    QVERIFY(m_viewer->fitToWindow());
    QTest::keyClick(m_canvas, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(m_viewer->zoom(), 1.0);
    QTest::keyClick(m_canvas, Qt::Key_0);
    QVERIFY(m_viewer->fitToWindow());
    QTest::keyClick(m_canvas, Qt::Key_BracketRight);
    QCOMPARE(m_viewer->exposure(), 0.5);
    QTest::keyClick(m_canvas, Qt::Key_BraceRight, Qt::ShiftModifier);
    QCOMPARE(m_viewer->gamma(), 1.1);
    QTest::keyClick(m_canvas, Qt::Key_R);
    QCOMPARE(m_viewer->exposure(), 0.0);
    QCOMPARE(m_viewer->gamma(), 1.0);
}

void TestCanvas::zoomFromElsewhereKeepsTheCentre()
{
    m_viewer->show(Image::create(400, 200, 3, DType::UInt8), QStringLiteral("big"));
    m_canvas->grab(); // a frame at fit
    const QPointF centre(100, 50);
    const QPointF fitted = m_canvas->widgetToImage(centre);
    m_viewer->setZoom(2.0); // as the menu or Python would
    QPointF now = m_canvas->widgetToImage(centre);
    QVERIFY(qAbs(now.x() - fitted.x()) < 1.0 && qAbs(now.y() - fitted.y()) < 1.0);
    QTest::keyClick(m_canvas, Qt::Key_Left);
    m_canvas->grab();
    const QPointF panned = m_canvas->widgetToImage(centre);
    m_viewer->setZoom(4.0);
    now = m_canvas->widgetToImage(centre);
    QVERIFY(qAbs(now.x() - panned.x()) < 1.0 && qAbs(now.y() - panned.y()) < 1.0);
}

void TestCanvas::pixelGridWhenZoomedInFar()
{
    Image image = Image::create(4, 4, 3, DType::UInt8);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x)
            image.at<std::uint8_t>(x, y, 1) = 255; // green
    m_viewer->show(image, QStringLiteral("g"));
    m_viewer->setZoom(16.0);
    const QImage shot = m_canvas->grab().toImage();
    const QPoint o = m_canvas->origin().toPoint();
    QCOMPARE(shot.pixelColor(o + QPoint(8, 8)), QColor(0, 255, 0));
    QVERIFY(shot.pixelColor(o + QPoint(16, 8)) != QColor(0, 255, 0)); // grid line between pixels
    m_viewer->setZoom(4.0);
    const QImage noGrid = m_canvas->grab().toImage();
    QCOMPARE(noGrid.pixelColor(m_canvas->origin().toPoint() + QPoint(4, 2)), QColor(0, 255, 0));
}

void TestCanvas::pixelsChangedRepaintsCoalesced()
{
    m_viewer->show(Image::create(16, 16, 3, DType::UInt8), QStringLiteral("live"));
    QTRY_VERIFY(m_canvas->paintCount() > 0);
    QCoreApplication::processEvents();
    const int before = m_canvas->paintCount();
    for (int i = 0; i < 100; ++i)
        m_viewer->pixelsMayHaveChanged();
    QCOMPARE(m_canvas->paintCount(), before); // asynchronous: nothing painted yet
    QTRY_VERIFY(m_canvas->paintCount() > before);
    QCoreApplication::processEvents();
    QVERIFY2(m_canvas->paintCount() - before <= 2, qPrintable(QString::number(m_canvas->paintCount() - before)));
}

void TestCanvas::streamOfEditsPaintsDraftsThenOneSmoothFrame()
{
    // Alternating black and white columns at half size: a smooth downscale
    // mixes them into grey, nearest-neighbour sampling keeps pure 0 or 255.
    Image stripes = Image::create(400, 200, 1, DType::UInt8);
    for (int y = 0; y < 200; ++y)
        for (int x = 0; x < 400; ++x)
            stripes.at<std::uint8_t>(x, y, 0) = (x % 2) ? 255 : 0;
    m_viewer->show(stripes, QStringLiteral("stripes"));
    QCOMPARE(m_canvas->scale(), 0.5);
    auto isGrey = [](const QImage &shot) {
        const int v = qGray(shot.pixel(50, 50));
        return v > 60 && v < 195;
    };

    // An edit: a write (same value, the stripes stay) and its announcement.
    auto edit = [&] {
        stripes.at<std::uint8_t>(399, 199, 0) = 255;
        m_viewer->pixelsMayHaveChanged();
    };

    // One edit on its own: smooth at once.
    QTest::qWait(Canvas::StreamGapMs + 20);
    edit();
    QVERIFY(!m_canvas->isDraft());
    QVERIFY(isGrey(m_canvas->grab().toImage()));

    // A stream: the second change within StreamGapMs makes drafts.
    edit();
    QVERIFY(m_canvas->isDraft());
    const QImage draft = m_canvas->grab().toImage();
    const int v = qGray(draft.pixel(50, 50));
    QVERIFY2(v < 10 || v > 245, qPrintable(QString::number(v)));

    // The stream pauses: one smooth frame follows by itself.
    const int before = m_canvas->paintCount();
    QTRY_VERIFY(!m_canvas->isDraft());
    QTRY_VERIFY(m_canvas->paintCount() > before);
    QVERIFY(isGrey(m_canvas->grab().toImage()));
}

namespace {
/// Records the region of every paint event of a widget.
class PaintRegions : public QObject {
public:
    explicit PaintRegions(QWidget *widget) { widget->installEventFilter(this); }
    QList<QRegion> regions;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            regions.append(static_cast<QPaintEvent *>(event)->region());
        return false;
    }
};
} // namespace

// An edit of a small patch repaints the rows the write tracker names, not
// the whole view, and the screen then shows what a whole repaint shows.
void TestCanvas::trackedEditRepaintsOnlyItsRows()
{
    m_canvas->resize(400, 300);
    // As the console holds it (writes are left to the token's clock), the
    // clock slowed down: the announcements below are the only repaints.
    LiveEditClock::of(m_viewer)->setInterval(60 * 60 * 1000);
    LiveEdit token(m_viewer);
    // 8 KiB rows: a 2 MiB chunk of the tracker is 256 rows, 37.5 screen rows at fit.
    Image noise = Image::create(2048, 2048, 4, DType::UInt8);
    std::uint32_t state = 777;
    for (int y = 0; y < 2048; ++y)
        for (int x = 0; x < 2048; ++x) {
            state = state * 1664525u + 1013904223u;
            for (int c = 0; c < 3; ++c)
                noise.at<std::uint8_t>(x, y, c) = std::uint8_t(state >> (8 * c + 8));
            noise.at<std::uint8_t>(x, y, 3) = 255;
        }
    Document *document = m_viewer->show(noise, QStringLiteral("noise"));
    QVERIFY(document->image().buffer()->writeTracker());
    const double s = m_canvas->scale();
    QCOMPARE(s, 300.0 / 2048);
    QTRY_VERIFY(m_canvas->paintCount() > 0);
    m_viewer->pixelsMayHaveChanged(); // the first announcement knows no rows: all of it
    QTRY_VERIFY(!m_canvas->isDraft());
    QCoreApplication::processEvents();

    PaintRegions paints(m_canvas);
    QTest::qWait(Canvas::StreamGapMs + 20); // a single edit, not a stream
    Image image = document->image();
    for (int y = 1100; y < 1110; ++y)
        for (int x = 900; x < 1000; ++x) {
            image.at<std::uint8_t>(x, y, 0) = 255;
            image.at<std::uint8_t>(x, y, 1) = 0;
        }
    m_viewer->pixelsMayHaveChanged();
    QTRY_VERIFY(!paints.regions.isEmpty());
    QVERIFY(!m_canvas->isDraft());
    const QRect band = paints.regions.first().boundingRect();
    // Chunk 4 (image rows 1024 to 1279) at fit, three rows of margin.
    QCOMPARE(band.width(), m_canvas->width());
    QVERIFY2(band.top() >= int(1024 * s) - 4 && band.bottom() <= int(1280 * s) + 4,
             qPrintable(QStringLiteral("repainted rows %1 to %2").arg(band.top()).arg(band.bottom())));
    QVERIFY(band.contains(m_canvas->imageToWidget(QPointF(950, 1105)).toPoint()));

    // The window's backing store (what the screen shows) equals a whole repaint.
    QCoreApplication::processEvents();
    const QImage shown = m_canvas->screen()->grabWindow(m_canvas->winId()).toImage().convertToFormat(QImage::Format_RGB32);
    const QImage whole = m_canvas->grab().toImage().convertToFormat(QImage::Format_RGB32);
    QCOMPARE(shown.size(), whole.size());
    const QPoint patch = m_canvas->imageToWidget(QPointF(950, 1105)).toPoint();
    QVERIFY2(qRed(shown.pixel(patch)) > 200 && qGreen(shown.pixel(patch)) < 60,
             qPrintable(QColor(shown.pixel(patch)).name()));
    for (int y = 0; y < whole.height(); ++y)
        for (int x = 0; x < whole.width(); ++x)
            if (shown.pixel(x, y) != whole.pixel(x, y))
                QFAIL(qPrintable(QStringLiteral("screen (%1, %2): shown %3, a whole repaint %4")
                                     .arg(x).arg(y).arg(QColor(shown.pixel(x, y)).name(), QColor(whole.pixel(x, y)).name())));

    // Shared memory (another process writes without a fault here): all of it.
    Document *shared = m_viewer->show(Image::create(2048, 2048, 4, DType::UInt8, PixelMemory::Shared),
                                      QStringLiteral("shared"));
    QTRY_VERIFY(m_canvas->paintCount() > 0);
    QCoreApplication::processEvents();
    QTest::qWait(Canvas::StreamGapMs + 20);
    paints.regions.clear();
    shared->image().at<std::uint8_t>(5, 1100, 0) = 9;
    m_viewer->pixelsMayHaveChanged();
    QTRY_VERIFY(!paints.regions.isEmpty());
    QCOMPARE(paints.regions.first(), QRegion(m_canvas->rect()));
}

// The smooth zoomed-out frame: each screen pixel shows the mean of the
// image area under it (a box reduction), within one level per channel,
// drawn 1:1. Noise is the test: bilinear or sampled downscaling keeps
// single source pixels and misses this by far.
void TestCanvas::smoothFrameIsTheAreaMeanOfEachScreenPixel()
{
    const int w = 523, h = 311;
    Image noise = Image::create(w, h, 3, DType::UInt8);
    std::uint32_t state = 12345;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c) {
                state = state * 1664525u + 1013904223u;
                noise.at<std::uint8_t>(x, y, c) = std::uint8_t(state >> 24);
            }
    m_viewer->show(noise, QStringLiteral("noise"));
    QVERIFY(m_viewer->fitToWindow());
    const double s = m_canvas->scale();
    QVERIFY(s < 0.5);
    const QImage shot = m_canvas->grabShown();
    const QPoint o(int(std::round(m_canvas->origin().x())), int(std::round(m_canvas->origin().y())));
    auto areaMean = [&](int i, int j, int c) {
        const double left = i / s, right = (i + 1) / s, top = j / s, bottom = (j + 1) / s;
        double sum = 0.0;
        for (int y = int(std::floor(top)); y < int(std::ceil(bottom)); ++y)
            for (int x = int(std::floor(left)); x < int(std::ceil(right)); ++x)
                sum += (std::min(x + 1.0, right) - std::max(double(x), left)) *
                       (std::min(y + 1.0, bottom) - std::max(double(y), top)) * noise.at<std::uint8_t>(x, y, c);
        return sum * s * s;
    };
    int checked = 0;
    double worst = 0.0;
    // Cells wholly inside the image (the last column and row are cut).
    for (int j = 0; (j + 1) / s <= h; ++j)
        for (int i = 0; (i + 1) / s <= w; ++i) {
            const QRgb px = shot.pixel(o.x() + i, o.y() + j);
            const int got[3] = {qRed(px), qGreen(px), qBlue(px)};
            for (int c = 0; c < 3; ++c) {
                const double d = std::abs(got[c] - areaMean(i, j, c));
                worst = std::max(worst, d);
                if (d > 1.0)
                    QFAIL(qPrintable(QStringLiteral("screen pixel (%1, %2) channel %3: %4, area mean %5")
                                         .arg(i).arg(j).arg(c).arg(got[c]).arg(areaMean(i, j, c))));
            }
            ++checked;
        }
    QVERIFY(checked > 150 * 90);
    qInfo("%d screen pixels, largest difference from the area mean %.3f", checked, worst);
}

// Opening or zooming a huge image draws a draft at once (a smooth frame
// would reduce every visible pixel first); the smooth frame follows when the
// view holds still, and grabShown() is smooth at once.
void TestCanvas::newViewOfAHugeImageIsADraftFirst()
{
    const int w = 8192, h = 4096; // 33.5 M pixels, over LargeReductionPixels
    QVERIFY(double(w) * h > Canvas::LargeReductionPixels);
    Image stripes = Image::create(w, h, 1, DType::UInt8);
    for (int y = 0; y < h; ++y) {
        std::uint8_t *row = stripes.row(y);
        for (int x = 0; x < w; ++x)
            row[x] = (x % 2) ? 255 : 0;
    }
    auto isGrey = [](const QImage &shot, const QPoint &p) {
        const int v = qGray(shot.pixel(p));
        return v > 100 && v < 155;
    };
    QSignalSpy background(m_canvas, &Canvas::backgroundReductionStarted);
    m_viewer->show(stripes, QStringLiteral("stripes"));
    const QPoint centre(m_canvas->width() / 2, m_canvas->height() / 2);
    const QImage first = m_canvas->grab().toImage();
    QVERIFY(m_canvas->isDraft());
    QVERIFY2(!isGrey(first, centre), "the first frame samples (0 or 255)");
    QCOMPARE(background.count(), 0);
    // When the view holds still the level is reduced off the GUI thread,
    // with drafts meanwhile; then the smooth frame, drawn from that level as
    // it is (one rebuild in all: the job's, none on the GUI thread after).
    QTRY_COMPARE(background.count(), 1);
    QTRY_VERIFY(!m_canvas->isDraft());
    QVERIFY(!m_canvas->isReducing());
    QVERIFY(isGrey(m_canvas->grab().toImage(), centre)); // each screen pixel averages ~40 stripes
    QCOMPARE(m_canvas->pipeline().boxReduction().rebuilds(), 1);
    QCOMPARE(background.count(), 1);

    // A zoom is a new view: a draft again, then smooth.
    m_canvas->zoomAround(m_canvas->scale() * 1.25, QPointF(centre));
    QVERIFY(!isGrey(m_canvas->grab().toImage(), centre));
    QVERIFY(m_canvas->isDraft());
    QVERIFY(isGrey(m_canvas->grabShown(), centre));
    QVERIFY(!m_canvas->isDraft());

    // Small images are smooth from the first frame.
    m_viewer->show(pattern(), QStringLiteral("p"));
    m_canvas->grab();
    QVERIFY(!m_canvas->isDraft());
}

// The canvas goes away while its background reduction runs: the job is
// cancelled and joined, and nothing it posts reaches the dead canvas (the
// sanitizer build would report either).
void TestCanvas::closingWhileReducingInTheBackground()
{
    m_viewer->show(Image::create(8192, 4096, 4, DType::UInt8), QStringLiteral("huge"));
    m_canvas->grab(); // a draft: the view is new
    m_canvas->finishDraft();
    m_canvas->grab(); // the view holds still: the job starts
    QVERIFY(m_canvas->isReducing());
    delete m_canvas;
    m_canvas = nullptr;
    QTest::qWait(50); // a call posted to the dead canvas would run here
}

void TestCanvas::hoverReportsImagePixel()
{
    m_viewer->show(pattern(), QStringLiteral("p"));
    m_viewer->setZoom(2.0);
    QSignalSpy spy(m_canvas, &Canvas::hoveredPixelChanged);
    const QPoint o = m_canvas->origin().toPoint();
    QTest::mouseMove(m_canvas, o + QPoint(7, 5));
    QTRY_VERIFY(!spy.isEmpty());
    QCOMPARE(spy.last().at(0).toPoint(), QPoint(3, 2));
    QCOMPARE(spy.last().at(1).toBool(), true);
}

void TestCanvas::checkFittedFrame(const QSize &size)
{
    const int cw = m_canvas->width();
    const int ch = m_canvas->height();
    // At fit the whole image is on screen, centred, in the canvas.
    QVERIFY(m_viewer->fitToWindow());
    // (Fit never goes below 1/256, the canvas's smallest zoom.)
    const double fit = std::max(1.0 / 256.0, std::min(double(cw) / size.width(), double(ch) / size.height()));
    QCOMPARE(m_canvas->scale(), fit);
    const QImage fitted = m_canvas->grabShown();
    const QPointF fo = m_canvas->origin();
    QCOMPARE(fo, QPointF(std::round((cw - size.width() * fit) / 2.0), std::round((ch - size.height() * fit) / 2.0)));
    // Outside the image's rectangle: the background; inside, where the
    // image is transparent (between the corner blocks), the checkerboard.
    const QRectF rect(fo, QSizeF(size.width() * fit, size.height() * fit));
    for (const QPoint p : {QPoint(1, 1), QPoint(cw - 2, ch - 2), QPoint(cw / 2, ch / 2)}) {
        if (rect.adjusted(-2, -2, 2, 2).contains(p))
            continue;
        QCOMPARE(fitted.pixelColor(p), Canvas::background());
    }
    if (rect.width() > 20 && rect.height() > 20) {
        const QColor middle = fitted.pixelColor(rect.center().toPoint());
        QVERIFY2(middle == Canvas::checkerLight() || middle == Canvas::checkerDark(), qPrintable(middle.name()));
    }
}

void TestCanvas::imagesBeyondQtLimitsAtEveryCorner_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<bool>("isFloat");
    // Wider / taller than Qt's 32767 coordinate range; 23200^2 RGBA8 is
    // 2,152,960,000 bytes, more than 2^31.
    QTest::newRow("70000 wide RGBA8") << 70000 << 16 << false;
    QTest::newRow("70000 tall RGBA8") << 16 << 70000 << false;
    QTest::newRow("70000 wide float32") << 70000 << 16 << true;
    QTest::newRow("over 2^31 bytes RGBA8") << 23200 << 23200 << false;
}

void TestCanvas::imagesBeyondQtLimitsAtEveryCorner()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(bool, isFloat);
    Image image = Image::create(width, height, 4, isFloat ? DType::Float32 : DType::UInt8);
    // The pattern only where the checks look (each corner's 512x512 block),
    // so the 2 GB image costs no more than its corners.
    const int block = 512;
    for (const int y0 : {0, std::max(0, height - block)})
        for (const int x0 : {0, std::max(0, width - block)})
            paintPattern(image, x0, y0, std::min(width, x0 + block), std::min(height, y0 + block));
    const Image shown = image;
    m_viewer->show(std::move(image), QStringLiteral("large"));
    const int cw = m_canvas->width();
    const int ch = m_canvas->height();
    checkFittedFrame(QSize(width, height));
    if (QTest::currentTestFailed())
        return;

    for (const double zoom : {1.0, 3.0}) {
        m_viewer->setZoom(zoom);
        // Every corner: pan as far as the canvas lets the view go.
        for (const int cornerX : {-1, 1})
            for (const int cornerY : {-1, 1}) {
                m_canvas->panBy(QPointF(-cornerX * 1e9, -cornerY * 1e9));
                const QImage shot = m_canvas->grabShown();
                // Where image pixel (0, 0) must be for this corner, from the
                // geometry alone: flush with the canvas edge the view went to
                // (or centred along an axis where the image is smaller).
                const double w = width * zoom;
                const double h = height * zoom;
                const double ox = w <= cw ? std::round((cw - w) / 2.0) : (cornerX < 0 ? 0.0 : cw - w);
                const double oy = h <= ch ? std::round((ch - h) / 2.0) : (cornerY < 0 ? 0.0 : ch - h);
                QCOMPARE(m_canvas->origin(), QPointF(ox, oy));
                int checked = 0;
                const QString mismatch = firstPatternMismatch(shot, QSize(width, height), QPointF(ox, oy), zoom, block,
                                                              isFloat ? 1 : 0, &checked);
                QVERIFY2(mismatch.isEmpty(), qPrintable(QStringLiteral("zoom %1, corner (%2, %3): %4")
                                                            .arg(zoom)
                                                            .arg(cornerX)
                                                            .arg(cornerY)
                                                            .arg(mismatch)));
                QVERIFY2(checked > 100, qPrintable(QString::number(checked)));

                // The pixel inspector names the pixel under the mouse, and
                // its value, at the far corner too.
                QSignalSpy hover(m_canvas, &Canvas::hoveredPixelChanged);
                // Just inside the image's corner that is on screen.
                const QPoint at(cornerX < 0 ? int(std::max(ox, 0.0)) + 2 : int(std::min(ox + w, double(cw))) - 3,
                                cornerY < 0 ? int(std::max(oy, 0.0)) + 2 : int(std::min(oy + h, double(ch))) - 3);
                QTest::mouseMove(m_canvas, at);
                QTRY_VERIFY(!hover.isEmpty());
                const QPoint pixel(int(std::floor((at.x() + 0.5 - ox) / zoom)),
                                   int(std::floor((at.y() + 0.5 - oy) / zoom)));
                QCOMPARE(hover.last().at(0).toPoint(), pixel);
                QVERIFY(hover.last().at(1).toBool());
                if (!isFloat) {
                    const QColor want = largePattern(pixel.x(), pixel.y());
                    QCOMPARE(formatComponent(shown, pixel.x(), pixel.y(), 0), QString::number(want.red()));
                    QCOMPARE(formatComponent(shown, pixel.x(), pixel.y(), 2), QString::number(want.blue()));
                }
            }
    }
}

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
