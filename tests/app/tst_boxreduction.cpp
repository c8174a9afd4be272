// BoxReduction: the smooth zoomed-out frame is an area average of the image
// at display resolution, and an edit of a tracked buffer reduces only the
// rows it touched.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include <livepix/image.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "viewer/boxreduction.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

double component(const Image &image, int x, int y, int c)
{
    switch (image.dtype()) {
    case DType::UInt8: return image.at<std::uint8_t>(x, y, c);
    case DType::UInt16: return image.at<std::uint16_t>(x, y, c);
    case DType::Float16: return float(image.at<float16>(x, y, c));
    case DType::Float32: return image.at<float>(x, y, c);
    }
    return 0.0;
}

void setComponent(Image &image, int x, int y, int c, double v)
{
    switch (image.dtype()) {
    case DType::UInt8: image.at<std::uint8_t>(x, y, c) = std::uint8_t(v); break;
    case DType::UInt16: image.at<std::uint16_t>(x, y, c) = std::uint16_t(v); break;
    case DType::Float16: image.at<float16>(x, y, c) = float16(float(v)); break;
    case DType::Float32: image.at<float>(x, y, c) = float(v); break;
    }
}

/// Noise over the type's range: the hardest case for a reduction (every
/// pixel differs from its neighbours).
Image noise(int width, int height, int channels, DType type, unsigned seed = 7)
{
    Image image = Image::create(width, height, channels, type);
    std::mt19937 random(seed);
    const double top = type == DType::UInt8 ? 255.0 : type == DType::UInt16 ? 65535.0 : 1.0;
    std::uniform_real_distribution<double> value(0.0, top);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c)
                setComponent(image, x, y, c, type == DType::UInt8 || type == DType::UInt16 ? std::floor(value(random)) : value(random));
    return image;
}

/// The reference, written independently of the code under test: cell
/// (i, j) is the square [i / scale, (i + 1) / scale) x [j / scale, (j + 1) / scale)
/// clipped to the image; cellIntegral is the integral of value(x, y) over
/// it (each source pixel weighted by the area it shares with the cell), and
/// its area is `*area`.
template <typename Value>
double cellIntegral(const Image &image, double scale, int i, int j, const Value &value, double *area = nullptr)
{
    const double left = i / scale, right = std::min((i + 1) / scale, double(image.width()));
    const double top = j / scale, bottom = std::min((j + 1) / scale, double(image.height()));
    double sum = 0.0;
    for (int y = int(std::floor(top)); y < std::min(int(std::ceil(bottom)), image.height()); ++y) {
        const double dy = std::min(y + 1.0, bottom) - std::max(double(y), top);
        for (int x = int(std::floor(left)); x < std::min(int(std::ceil(right)), image.width()); ++x) {
            const double dx = std::min(x + 1.0, right) - std::max(double(x), left);
            if (dx > 0 && dy > 0)
                sum += dx * dy * value(x, y);
        }
    }
    if (area)
        *area = (right - left) * (bottom - top);
    return sum;
}

/// The area mean of channel `c` over cell (i, j).
double areaMean(const Image &image, double scale, int i, int j, int c)
{
    double area = 0.0;
    const double sum = cellIntegral(image, scale, i, j, [&](int x, int y) { return component(image, x, y, c); }, &area);
    return sum / area;
}

/// areaMean of colour channel `c` weighted by the last channel (alpha):
/// the integral of alpha x colour over the integral of alpha (0 without
/// alpha).
double alphaWeightedMean(const Image &image, double scale, int i, int j, int c)
{
    const int a = image.channels() - 1;
    const double alpha = cellIntegral(image, scale, i, j, [&](int x, int y) { return component(image, x, y, a); });
    const double sum = cellIntegral(image, scale, i, j, [&](int x, int y) {
        return component(image, x, y, a) * component(image, x, y, c);
    });
    return alpha > 0 ? sum / alpha : 0.0;
}

/// Reduction on the calling thread, one band.
const BoxReduction::BandRunner serial = [](int rows, std::int64_t, const std::function<void(int, int)> &work) {
    work(0, rows);
};
/// Reduction in 7 bands (as the pool splits it), run one after another.
const BoxReduction::BandRunner banded = [](int rows, std::int64_t, const std::function<void(int, int)> &work) {
    for (int b = 0; b < 7; ++b)
        work(rows * b / 7, rows * (b + 1) / 7);
};

QRectF all(const Image &image) { return QRectF(0, 0, image.width(), image.height()); }

/// Largest difference between two levels of the same shape, per component.
double largestDifference(const Image &a, const Image &b)
{
    double worst = 0.0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            for (int c = 0; c < a.channels(); ++c)
                worst = std::max(worst, std::abs(component(a, x, y, c) - component(b, x, y, c)));
    return worst;
}

} // namespace

Q_DECLARE_METATYPE(livepix::DType)

class TestBoxReduction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equalsTheAreaMean_data();
    void equalsTheAreaMean();
    void gridIsAnchoredAtTheImageOrigin();
    void trackedEditReducesOnlyItsRows();
    void trackedEditReducesOnlyItsColumns_data();
    void trackedEditReducesOnlyItsColumns();
    void writeDuringUpdateIsNotTrustedLater();
    void untrackedBufferRebuildsWhole();
    void nanAndInfinityStayVisible();
    void constantImageStaysConstant();
};

void TestBoxReduction::equalsTheAreaMean_data()
{
    QTest::addColumn<DType>("type");
    QTest::addColumn<int>("channels");
    QTest::addColumn<double>("scale");
    QTest::addColumn<bool>("weighted"); // the last channel is the alpha the colours are weighted by
    QTest::addColumn<bool>("opaqueButAPatch"); // weighted: translucent only in x 70..189, y 40..119
    QTest::newRow("uint8 RGBA, 1/2") << DType::UInt8 << 4 << 0.5 << false << false;
    QTest::newRow("uint8 RGBA, 0.3 (cells cut pixels)") << DType::UInt8 << 4 << 0.3 << false << false;
    QTest::newRow("uint8 RGB, 0.41 (4K fit)") << DType::UInt8 << 3 << 1600.0 / 3840.0 << false << false;
    QTest::newRow("uint8 grey, 1/27") << DType::UInt8 << 1 << 1.0 / 27.0 << false << false;
    QTest::newRow("uint16 grey+alpha, 0.137") << DType::UInt16 << 2 << 0.137 << false << false;
    QTest::newRow("float16 RGBA, 0.7") << DType::Float16 << 4 << 0.7 << false << false;
    QTest::newRow("float32 RGBA, 0.3") << DType::Float32 << 4 << 0.3 << false << false;
    QTest::newRow("float32 grey, 0.0537") << DType::Float32 << 1 << 0.0537 << false << false;
    QTest::newRow("uint8 RGBA weighted, 0.3") << DType::UInt8 << 4 << 0.3 << true << false;
    QTest::newRow("uint16 grey+alpha weighted, 0.137") << DType::UInt16 << 2 << 0.137 << true << false;
    QTest::newRow("float32 RGBA weighted, 0.41") << DType::Float32 << 4 << 0.41 << true << false;
    // Rows mixing opaque and translucent blocks (the weighted loop runs only
    // where a block has a translucent pixel; the patch starts and ends
    // inside blocks).
    QTest::newRow("uint8 RGBA weighted, translucent patch, 0.3") << DType::UInt8 << 4 << 0.3 << true << true;
    QTest::newRow("float32 RGBA weighted, translucent patch, 0.41") << DType::Float32 << 4 << 0.41 << true << true;
}

// Every cell of a whole-image level equals the area mean (weighted: the
// colours the alpha-weighted area mean, alpha the plain one): within one
// level for integers (rounded to nearest), within float precision
// otherwise. A strided source (a spare component after each pixel) gives
// the same level.
void TestBoxReduction::equalsTheAreaMean()
{
    QFETCH(DType, type);
    QFETCH(int, channels);
    QFETCH(double, scale);
    QFETCH(bool, weighted);
    QFETCH(bool, opaqueButAPatch);
    Image image = noise(301, 203, channels, type);
    const int alpha = weighted ? channels - 1 : -1;
    const double top = type == DType::UInt8 ? 255.0 : type == DType::UInt16 ? 65535.0 : 1.0;
    if (opaqueButAPatch)
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (x < 70 || x >= 190 || y < 40 || y >= 120)
                    setComponent(image, x, y, alpha, top);
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    const Image &level = box.update(image, scale, all(image), banded, rewritten, alpha);
    QCOMPARE(level.width(), int(std::ceil(301 * scale)));
    QCOMPARE(level.height(), int(std::ceil(203 * scale)));
    QCOMPARE(level.dtype(), type);
    QCOMPARE(level.channels(), channels);
    QCOMPARE(rewritten, (std::vector<std::pair<int, int>>{{0, level.height()}}));
    const bool integer = type == DType::UInt8 || type == DType::UInt16;
    const double tolerance = integer ? 1.0 : type == DType::Float16 ? 2e-3 : 1e-5;
    double worst = 0.0;
    double largestShift = 0.0; // weighted: from the plain mean, the weighting did something
    for (int j = 0; j < level.height(); ++j)
        for (int i = 0; i < level.width(); ++i)
            for (int c = 0; c < channels; ++c) {
                const double plain = areaMean(image, scale, i, j, c);
                const double expected = weighted && c < alpha ? alphaWeightedMean(image, scale, i, j, c) : plain;
                const double got = component(level, i, j, c);
                worst = std::max(worst, std::abs(got - expected));
                largestShift = std::max(largestShift, std::abs(got - plain) / top);
                if (std::abs(got - expected) > tolerance)
                    QFAIL(qPrintable(QStringLiteral("cell (%1, %2) channel %3: %4, expected %5")
                                         .arg(i).arg(j).arg(c).arg(got).arg(expected)));
            }
    if (weighted)
        QVERIFY2(largestShift > 0.01, qPrintable(QString::number(largestShift)));

    Image padded = Image::create(301, 203, channels + 1, type);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < channels; ++c)
                setComponent(padded, x, y, c, component(image, x, y, c));
    const Image strided = Image::wrap(padded.buffer(), 0, 301, 203, channels, type, padded.xStride(), padded.yStride());
    QVERIFY(strided.xStride() != std::ptrdiff_t(channels * byteSize(type)));
    BoxReduction other;
    std::vector<std::pair<int, int>> ignored;
    QVERIFY(largestDifference(level, other.update(strided, scale, all(strided), serial, ignored, alpha)) <= tolerance);
    // Averaging n noisy pixels divides their spread by about sqrt(n): a
    // level that copied some source pixels (sampling) would keep it.
    if (scale <= 0.5) {
        auto spread = [](const Image &im) {
            double sum = 0.0, squares = 0.0;
            const double n = double(im.width()) * im.height();
            for (int y = 0; y < im.height(); ++y)
                for (int x = 0; x < im.width(); ++x) {
                    const double v = component(im, x, y, 0);
                    sum += v;
                    squares += v * v;
                }
            return std::sqrt(squares / n - (sum / n) * (sum / n));
        };
        QVERIFY2(spread(level) < 0.75 * spread(image),
                 qPrintable(QStringLiteral("%1 vs %2").arg(spread(level)).arg(spread(image))));
    }
    qInfo("largest difference from the area mean: %g", worst);
}

// The cells of a visible part are the same cells as in the whole-image
// level: panning moves the grid with the image, it does not resample.
void TestBoxReduction::gridIsAnchoredAtTheImageOrigin()
{
    const Image image = noise(400, 300, 4, DType::UInt8);
    const double scale = 0.3;
    BoxReduction whole, part;
    std::vector<std::pair<int, int>> rewritten;
    const Image &a = whole.update(image, scale, all(image), serial, rewritten);
    const Image &b = part.update(image, scale, QRectF(101.7, 55.2, 150.0, 120.5), serial, rewritten);
    const QRect cells = part.cells();
    QCOMPARE(cells, BoxReduction::cellsFor(image, scale, QRectF(101.7, 55.2, 150.0, 120.5)));
    QCOMPARE(cells.left(), int(std::floor(101.7 * scale)));
    QCOMPARE(cells.top(), int(std::floor(55.2 * scale)));
    QCOMPARE(b.width(), cells.width());
    for (int j = 0; j < cells.height(); ++j)
        for (int i = 0; i < cells.width(); ++i)
            for (int c = 0; c < 4; ++c)
                QCOMPARE(b.at<std::uint8_t>(i, j, c), a.at<std::uint8_t>(cells.left() + i, cells.top() + j, c));
}

// A tracked buffer: after an edit only the cell rows over the chunks the
// tracker names are reduced again, and the level equals a fresh reduction.
// A repaint with no write reduces nothing.
void TestBoxReduction::trackedEditReducesOnlyItsRows()
{
    Image image = noise(1024, 2048, 4, DType::Float32); // 16 KiB rows: a 2 MiB chunk is 128 rows
    image.buffer()->enableWriteTracking();
    const double scale = 0.25;
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    box.update(image, scale, all(image), banded, rewritten);
    QCOMPARE(box.rebuilds(), 1);

    image.markChanged(); // a repaint with nothing written
    box.update(image, scale, all(image), banded, rewritten);
    QVERIFY(rewritten.empty());
    QCOMPARE(box.rowsUpdated(), 0);

    // A 256x256 patch at rows 700..955: chunks 5 to 7 (rows 640..1023).
    for (int y = 700; y < 956; ++y)
        for (int x = 300; x < 556; ++x)
            for (int c = 0; c < 3; ++c)
                image.at<float>(x, y, c) = 0.9f;
    image.markChanged();
    // What the runner is told the job reads: the three chunks' rows, not
    // the image (the pipeline reduces so few on the GUI thread alone).
    std::int64_t told = -1;
    const BoxReduction::BandRunner recording = [&told](int rows, std::int64_t components,
                                                       const std::function<void(int, int)> &work) {
        told = components;
        banded(rows, components, work);
    };
    box.update(image, scale, all(image), recording, rewritten);
    QVERIFY2(told >= std::int64_t(956 - 700) * 1024 * 4 && told <= std::int64_t(384 + 8) * 1024 * 4,
             qPrintable(QString::number(told)));
    QCOMPARE(box.rebuilds(), 1);
    QVERIFY2(box.rowsUpdated() > 0 && box.rowsUpdated() <= 384 / 4 + 2, qPrintable(QString::number(box.rowsUpdated())));
    QVERIFY(!rewritten.empty());
    QVERIFY(rewritten.front().first <= 700 / 4 && rewritten.back().second >= 956 / 4);

    BoxReduction fresh;
    std::vector<std::pair<int, int>> ignored;
    QCOMPARE(largestDifference(box.level(), fresh.update(image, scale, all(image), serial, ignored)), 0.0);

    // A second edit far away, then the level is still exact.
    image.buffer()->writeTracker()->rearm();
    image.at<float>(5, 5, 0) = 3.0f;
    image.markChanged();
    box.update(image, scale, all(image), banded, rewritten);
    QCOMPARE(box.rebuilds(), 1);
    BoxReduction fresh2;
    QCOMPARE(largestDifference(box.level(), fresh2.update(image, scale, all(image), serial, ignored)), 0.0);
}

namespace {
/// Sets channels 0-2 of the square of `size` pixels at (x, y) to `v`.
void paintPatch(Image &image, int x0, int y0, int size, double v)
{
    for (int y = y0; y < y0 + size; ++y)
        for (int x = x0; x < x0 + size; ++x)
            for (int c = 0; c < 3; ++c)
                setComponent(image, x, y, c, v);
}

/// Updates `box` as the viewer does after code ran: the chunks written so
/// far are re-armed first (Document::markPixelsMayHaveChanged()).
void updateAfterWrites(BoxReduction &box, Image &image, double scale, const BoxReduction::BandRunner &run)
{
    image.buffer()->writeTracker()->rearm();
    image.markChanged();
    std::vector<std::pair<int, int>> rewritten;
    box.update(image, scale, all(image), run, rewritten);
}

double differenceFromFresh(const BoxReduction &box, const Image &image, double scale)
{
    BoxReduction fresh;
    std::vector<std::pair<int, int>> ignored;
    return largestDifference(box.level(), fresh.update(image, scale, all(image), serial, ignored));
}
} // namespace

// 8 and 16 bit images: the rows of the chunks the tracker names are
// compared with their prints (BlockPrints), so an edit the second time it
// lands in rows already printed reduces the cells over its columns, not
// whole rows. The level stays equal to a fresh reduction throughout, and an
// edit writing the values already there reduces nothing.
void TestBoxReduction::trackedEditReducesOnlyItsColumns_data()
{
    QTest::addColumn<DType>("type");
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("left"); // of the 256-pixel patch
    QTest::newRow("uint8") << DType::UInt8 << 200.0 << 1000;
    QTest::newRow("uint16") << DType::UInt16 << 50000.0 << 1000;
    QTest::newRow("float16") << DType::Float16 << 0.75 << 1000;
    QTest::newRow("float32") << DType::Float32 << 0.75 << 600;
}

void TestBoxReduction::trackedEditReducesOnlyItsColumns()
{
    QFETCH(DType, type);
    QFETCH(double, value);
    QFETCH(int, left);
    const int width = 16384 / (4 * int(byteSize(type))); // 16 KiB rows: a chunk is 128 rows
    Image image = noise(width, 1024, 4, type);
    image.buffer()->enableWriteTracking();
    const double scale = 0.25;
    const int levelWidth = width / 4;
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    box.update(image, scale, all(image), banded, rewritten);

    // First edit in rows never printed: whole cell rows, as before.
    paintPatch(image, left, 300, 256, value);
    updateAfterWrites(box, image, scale, banded);
    QCOMPARE(differenceFromFresh(box, image, scale), 0.0);
    QCOMPARE(box.rebuilds(), 1);
    const qint64 firstCells = box.cellsUpdated();
    QCOMPARE(firstCells % levelWidth, 0);
    QVERIFY2(firstCells >= qint64(256 / 4) * levelWidth, qPrintable(QString::number(firstCells)));

    // The same patch again, another value: only the cells over its blocks
    // (2 KiB of a row each) and its rows.
    paintPatch(image, left, 300, 256, value / 2);
    updateAfterWrites(box, image, scale, banded);
    QCOMPARE(differenceFromFresh(box, image, scale), 0.0);
    const qint64 secondCells = box.cellsUpdated() - firstCells;
    const int pixelBytes = int(image.xStride());
    const int blockPixels = int(BlockPrints::BlockBytes) / pixelBytes;
    const int columns = ((left + 256 + blockPixels - 1) / blockPixels - left / blockPixels) * blockPixels / 4 + 2;
    QVERIFY2(secondCells > 0 && secondCells <= qint64(256 / 4 + 2) * columns,
             qPrintable(QStringLiteral("%1 cells, at most %2").arg(secondCells).arg(qint64(256 / 4 + 2) * columns)));

    // A smaller edit inside it: fewer cells still, and exact.
    paintPatch(image, left + 100, 400, 8, value / 3);
    updateAfterWrites(box, image, scale, banded);
    QCOMPARE(differenceFromFresh(box, image, scale), 0.0);
    const qint64 thirdCells = box.cellsUpdated() - firstCells - secondCells;
    QVERIFY2(thirdCells > 0 && thirdCells <= qint64(8 / 4 + 2) * columns, qPrintable(QString::number(thirdCells)));

    // Rewriting the values already there: the chunk is named, nothing differs.
    paintPatch(image, left + 100, 400, 8, value / 3);
    updateAfterWrites(box, image, scale, banded);
    QCOMPARE(box.cellsUpdated(), firstCells + secondCells + thirdCells);
    QCOMPARE(differenceFromFresh(box, image, scale), 0.0);
    QCOMPARE(box.rebuilds(), 1);
}

// A print taken while a writer changes its rows may not describe what the
// reduction then read. Here the writer changes a pixel during the update
// (between the prints and the reduction) and then puts back the value the
// prints saw: the level must follow, so those rows are not trusted to
// their prints any more.
void TestBoxReduction::writeDuringUpdateIsNotTrustedLater()
{
    Image image = noise(4096, 512, 4, DType::UInt8);
    image.buffer()->enableWriteTracking();
    const double scale = 0.25;
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    box.update(image, scale, all(image), serial, rewritten);
    paintPatch(image, 100, 100, 64, 10); // print the rows once
    updateAfterWrites(box, image, scale, serial);

    paintPatch(image, 100, 100, 64, 20);
    const BoxReduction::BandRunner writing = [&image](int rows, std::int64_t, const std::function<void(int, int)> &work) {
        paintPatch(image, 100, 100, 64, 30); // after the prints saw 20
        work(0, rows);
    };
    updateAfterWrites(box, image, scale, writing);
    QCOMPARE(differenceFromFresh(box, image, scale), 0.0); // shows 30

    paintPatch(image, 100, 100, 64, 20); // what the prints saw
    updateAfterWrites(box, image, scale, serial);
    QCOMPARE(differenceFromFresh(box, image, scale), 0.0); // shows 20, not 30
}

// Without a tracker (or in shared memory) a new revision rebuilds whole.
void TestBoxReduction::untrackedBufferRebuildsWhole()
{
    Image image = noise(200, 100, 4, DType::UInt8);
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    box.update(image, 0.5, all(image), serial, rewritten);
    box.update(image, 0.5, all(image), serial, rewritten); // same revision: nothing
    QVERIFY(rewritten.empty());
    QCOMPARE(box.rebuilds(), 1);
    image.at<std::uint8_t>(0, 0, 0) = 255;
    image.at<std::uint8_t>(1, 0, 0) = 255;
    image.at<std::uint8_t>(0, 1, 0) = 255;
    image.at<std::uint8_t>(1, 1, 0) = 255;
    image.markChanged();
    const Image &level = box.update(image, 0.5, all(image), serial, rewritten);
    QCOMPARE(box.rebuilds(), 2);
    QCOMPARE(level.at<std::uint8_t>(0, 0, 0), std::uint8_t(255));
    // Another scale is another grid.
    box.update(image, 0.25, all(image), serial, rewritten);
    QCOMPARE(box.rebuilds(), 3);
    QCOMPARE(box.level().width(), 50);
}

// One NaN or infinity among many pixels still shows in its cell (the
// display colours it), instead of disappearing at small zooms.
void TestBoxReduction::nanAndInfinityStayVisible()
{
    Image image = noise(100, 100, 1, DType::Float32);
    image.at<float>(13, 17, 0) = std::numeric_limits<float>::quiet_NaN();
    image.at<float>(80, 90, 0) = std::numeric_limits<float>::infinity();
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    const Image &level = box.update(image, 0.1, all(image), serial, rewritten);
    QVERIFY(std::isnan(level.at<float>(1, 1, 0)));
    QVERIFY(std::isinf(level.at<float>(8, 9, 0)));
    QVERIFY(std::isfinite(level.at<float>(5, 5, 0)));
}

// Weights add up to the cell's area: a constant image stays that constant
// in every cell, the cut ones at the right and bottom edges included.
void TestBoxReduction::constantImageStaysConstant()
{
    Image image = Image::create(1001, 777, 3, DType::UInt16);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < 3; ++c)
                image.at<std::uint16_t>(x, y, c) = std::uint16_t(1000 * (c + 1) + 7);
    BoxReduction box;
    std::vector<std::pair<int, int>> rewritten;
    const Image &level = box.update(image, 0.0713, all(image), banded, rewritten);
    for (int j = 0; j < level.height(); ++j)
        for (int i = 0; i < level.width(); ++i)
            for (int c = 0; c < 3; ++c)
                QCOMPARE(level.at<std::uint16_t>(i, j, c), std::uint16_t(1000 * (c + 1) + 7));
}

QTEST_GUILESS_MAIN(TestBoxReduction)

#include "tst_boxreduction.moc"
