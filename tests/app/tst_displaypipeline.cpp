// DisplayPipeline: direct drawing for wrappable integers, a cached 8-bit
// conversion of the visible part for everything else.
#include <QtTest>

#include <cmath>
#include <limits>

#include <livepix/colormap.h>
#include <livepix/image.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "testocioconfig.h"
#include "viewer/displaypipeline.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

Image floatRamp(int width, int height, int channels = 4)
{
    Image image = Image::create(width, height, channels, DType::Float32);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c)
                image.at<float>(x, y, c) = c == 3 ? 1.0f : float(x) / 255.0f;
    return image;
}

QRectF all(const Image &image) { return QRectF(0, 0, image.width(), image.height()); }

/// A 1x1 image of `type` holding `value` in every channel.
Image onePixel(DType type, int channels, double value)
{
    Image image = Image::create(1, 1, channels, type);
    for (int c = 0; c < channels; ++c) {
        switch (type) {
        case DType::UInt8: image.at<std::uint8_t>(0, 0, c) = std::uint8_t(value); break;
        case DType::UInt16: image.at<std::uint16_t>(0, 0, c) = std::uint16_t(value); break;
        case DType::Float16: image.at<float16>(0, 0, c) = float16(float(value)); break;
        case DType::Float32: image.at<float>(0, 0, c) = float(value); break;
        }
    }
    return image;
}

DisplaySettings withLevels(int channels, double lo, double hi, double gamma = 1.0)
{
    DisplaySettings settings;
    settings.levels.assign(channels, LevelRange{lo, hi});
    settings.gamma = gamma;
    return settings;
}

QRgb rgbOf(const Colormap *map, int index) { return qRgb(map->rgb[index][0], map->rgb[index][1], map->rgb[index][2]); }

} // namespace

Q_DECLARE_METATYPE(livepix::DType)

class TestDisplayPipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stepIsAPowerOfTwoBelowInverseScale_data();
    void stepIsAPowerOfTwoBelowInverseScale();
    void wrappableIntegersAreDirect();
    void floatValuesAtExposureZero();
    void exposureAndGammaApply();
    void grayAndTwoChannelImages();
    void moreThanFourChannelsShowTheFirst();
    void convertsOnlyTheVisiblePartAtDisplayResolution();
    void tinyImageFarZoomedOutStaysInside();
    void cacheReusedUntilSomethingChanges();
    void newBufferAtSameAddressIsNotStale();
    void trackedEditsConvertOnlyTheRowsTheyTouched_data();
    void trackedEditsConvertOnlyTheRowsTheyTouched();
    void sharedOrUntrackedBuffersConvertWhole();
    void boxFramesAreLevelsAtDisplayResolution();
    void boxFramesOfConvertedImagesFollowEdits();
    void boxFramesWeighColoursByAlpha();
    void draftFramesBelowOneConvertFromTheTracker();
    void levelsMapValuesToBytes_data();
    void levelsMapValuesToBytes();
    void perChannelLevels();
    void uint8ShownAsStoredStaysDirect();
    void colormapEndpoints_data();
    void colormapEndpoints();
    void specialValuesHaveTheirColours_data();
    void specialValuesHaveTheirColours();
    void oneChannelOfFiveAsGrey();
    void alphaChannelAsGrey();
    void channelGroupOfManyChannels();
    void settingsChangeRebuildsTheCache();
    void srgbViewTransform();
    void ocioDisplayView_data();
    void ocioDisplayView();
};

void TestDisplayPipeline::stepIsAPowerOfTwoBelowInverseScale_data()
{
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("step");
    QTest::newRow("zoomed in") << 4.0 << 1;
    QTest::newRow("1:1") << 1.0 << 1;
    QTest::newRow("0.7") << 0.7 << 1;
    QTest::newRow("0.5") << 0.5 << 2;
    QTest::newRow("4K fit in 1600") << 1600.0 / 3840.0 << 2;
    QTest::newRow("0.2") << 0.2 << 4;
    QTest::newRow("1/16") << 1.0 / 16.0 << 16;
}

void TestDisplayPipeline::stepIsAPowerOfTwoBelowInverseScale()
{
    QFETCH(double, scale);
    QFETCH(int, step);
    QCOMPARE(DisplayPipeline::stepForScale(scale), step);
}

void TestDisplayPipeline::wrappableIntegersAreDirect()
{
    const Image image = Image::create(64, 32, 4, DType::UInt8);
    DisplayPipeline pipeline;
    DisplayFrame frame = pipeline.frame(image, QRectF(10, 5, 20, 10), 0.5, 0.0, 1.0);
    QVERIFY(frame.direct);
    QCOMPARE(frame.image.constBits(), image.data());
    QCOMPARE(frame.source, QRectF(10, 5, 20, 10));
    QCOMPARE(frame.target, QRectF(10, 5, 20, 10));
    QCOMPARE(pipeline.conversions(), 0);

    // With exposure set, integer images go through the display copy too.
    image.at<std::uint8_t>(12, 6, 0) = 60;
    image.at<std::uint8_t>(12, 6, 3) = 255;
    frame = pipeline.frame(image, QRectF(10, 5, 20, 10), 1.0, 1.0, 1.0);
    QVERIFY(!frame.direct);
    QCOMPARE(pipeline.conversions(), 1);
    QCOMPARE(qRed(frame.image.pixel(2, 1)), 120);
}

void TestDisplayPipeline::floatValuesAtExposureZero()
{
    const Image image = floatRamp(256, 2);
    DisplayPipeline pipeline;
    const DisplayFrame frame = pipeline.frame(image, all(image), 1.0, 0.0, 1.0);
    QVERIFY(!frame.direct);
    QCOMPARE(frame.image.size(), QSize(256, 2));
    QCOMPARE(frame.target, all(image));
    for (int x = 0; x < 256; ++x) {
        const QRgb px = frame.image.pixel(x, 1);
        QCOMPARE(qRed(px), x);
        QCOMPARE(qGreen(px), x);
        QCOMPARE(qBlue(px), x);
        QCOMPARE(qAlpha(px), 255);
    }
}

void TestDisplayPipeline::exposureAndGammaApply()
{
    Image image = Image::create(4, 1, 4, DType::Float32);
    const float values[4] = {0.25f, 0.5f, 2.0f, 0.25f};
    for (int x = 0; x < 4; ++x) {
        for (int c = 0; c < 3; ++c)
            image.at<float>(x, 0, c) = values[x];
        image.at<float>(x, 0, 3) = x == 3 ? 0.5f : 1.0f; // alpha: never exposed
    }
    DisplayPipeline pipeline;
    DisplayFrame frame = pipeline.frame(image, all(image), 1.0, 1.0, 1.0);
    QCOMPARE(frame.image.pixel(0, 0), qRgb(128, 128, 128)); // 0.25 * 2
    QCOMPARE(frame.image.pixel(1, 0), qRgb(255, 255, 255)); // 0.5 * 2
    // The display copy is premultiplied; alpha 0.5 stays 0.5 at any exposure.
    QCOMPARE(frame.image.pixel(3, 0), qPremultiply(qRgba(128, 128, 128, 128)));
    frame = pipeline.frame(image, all(image), 1.0, -2.0, 1.0);
    QCOMPARE(qRed(frame.image.pixel(2, 0)), 128); // 2.0 / 4
    frame = pipeline.frame(image, all(image), 1.0, 0.0, 2.0);
    QCOMPARE(qRed(frame.image.pixel(0, 0)), 128); // sqrt(0.25)
}

void TestDisplayPipeline::grayAndTwoChannelImages()
{
    Image gray = Image::create(2, 1, 1, DType::Float16);
    gray.at<float16>(1, 0, 0) = float16(0.5f);
    DisplayPipeline pipeline;
    DisplayFrame frame = pipeline.frame(gray, all(gray), 1.0, 0.0, 1.0);
    QCOMPARE(frame.image.pixel(1, 0), qRgba(128, 128, 128, 255));
    QCOMPARE(frame.image.pixel(0, 0), qRgba(0, 0, 0, 255));

    Image grayAlpha = Image::create(2, 1, 2, DType::UInt8);
    grayAlpha.at<std::uint8_t>(0, 0, 0) = 200;
    grayAlpha.at<std::uint8_t>(0, 0, 1) = 100;
    frame = pipeline.frame(grayAlpha, all(grayAlpha), 1.0, 0.0, 1.0);
    QVERIFY(!frame.direct);
    QCOMPARE(frame.image.pixel(0, 0), qPremultiply(qRgba(200, 200, 200, 100)));

    Image rgb16 = Image::create(1, 1, 3, DType::UInt16);
    rgb16.at<std::uint16_t>(0, 0, 0) = 65535;
    rgb16.at<std::uint16_t>(0, 0, 2) = 257 * 9;
    frame = pipeline.frame(rgb16, all(rgb16), 1.0, 0.0, 1.0);
    QCOMPARE(frame.image.pixel(0, 0), qRgba(255, 0, 9, 255));
}

void TestDisplayPipeline::moreThanFourChannelsShowTheFirst()
{
    Image image = Image::create(1, 1, 6, DType::UInt8);
    const int v[6] = {10, 20, 30, 40, 50, 60};
    for (int c = 0; c < 6; ++c)
        image.at<std::uint8_t>(0, 0, c) = std::uint8_t(v[c]);
    DisplayPipeline pipeline;
    const DisplayFrame frame = pipeline.frame(image, all(image), 1.0, 0.0, 1.0);
    // Channels 0-2 are RGB and channel 3 (named A) is alpha; 4 and 5 are not shown.
    QCOMPARE(frame.image.pixel(0, 0), qPremultiply(qRgba(10, 20, 30, 40)));
}

void TestDisplayPipeline::convertsOnlyTheVisiblePartAtDisplayResolution()
{
    const Image image = floatRamp(1000, 600);
    DisplayPipeline pipeline;
    // Zoomed out to 0.3: step 2; the frame is half the source size.
    DisplayFrame frame = pipeline.frame(image, all(image), 0.3, 0.0, 1.0);
    QCOMPARE(frame.image.size(), QSize(500, 300));
    QCOMPARE(frame.target, all(image));
    // Samples come from the middle of each 2x2 block: x = 2i + 1.
    QCOMPARE(qRed(frame.image.pixel(10, 0)), 21);

    // Zoomed in: only the visible source rectangle, at full resolution.
    frame = pipeline.frame(image, QRectF(100.5, 50.25, 40.0, 30.0), 8.0, 0.0, 1.0);
    QCOMPARE(frame.target, QRectF(100, 50, 41, 31));
    QCOMPARE(frame.image.size(), QSize(41, 31));
    QCOMPARE(qRed(frame.image.pixel(0, 0)), 100);
    QCOMPARE(frame.source, QRectF(0, 0, 41, 31));
}

void TestDisplayPipeline::tinyImageFarZoomedOutStaysInside()
{
    // Step 8 on a 3x3 image: the block centre (4, 4) lies outside; the
    // sample must come from the last row and column instead.
    Image image = Image::create(3, 3, 3, DType::Float32);
    for (int c = 0; c < 3; ++c)
        image.at<float>(2, 2, c) = 1.0f;
    DisplayPipeline pipeline;
    const DisplayFrame frame = pipeline.frame(image, all(image), 1.0 / 8.0, 0.0, 1.0);
    QCOMPARE(frame.image.size(), QSize(1, 1));
    QCOMPARE(frame.image.pixel(0, 0), qRgb(255, 255, 255));
    QCOMPARE(frame.target, all(image));
}

void TestDisplayPipeline::cacheReusedUntilSomethingChanges()
{
    Image image = floatRamp(300, 200);
    DisplayPipeline pipeline;
    DisplayFrame frame = pipeline.frame(image, all(image), 1.0, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1);
    const qint64 key = frame.image.cacheKey();
    frame = pipeline.frame(image, all(image), 1.0, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1); // nothing changed: reused
    QCOMPARE(frame.image.cacheKey(), key);

    // A write the C++ side cannot see, then markChanged(): rebuilt, new value shown.
    image.at<float>(5, 5, 0) = 1.0f;
    frame = pipeline.frame(image, all(image), 1.0, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1);
    QCOMPARE(qRed(frame.image.pixel(5, 5)), 5); // stale until declared
    image.markChanged();
    frame = pipeline.frame(image, all(image), 1.0, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 2);
    QCOMPARE(qRed(frame.image.pixel(5, 5)), 255);

    pipeline.frame(image, all(image), 1.0, 0.5, 1.0); // exposure
    QCOMPARE(pipeline.conversions(), 3);
    pipeline.frame(image, all(image), 1.0, 0.5, 1.2); // gamma
    QCOMPARE(pipeline.conversions(), 4);
    pipeline.frame(image, QRectF(0, 0, 100, 100), 1.0, 0.5, 1.2); // visible part
    QCOMPARE(pipeline.conversions(), 5);
    pipeline.frame(image, QRectF(0, 0, 100, 100), 0.5, 0.5, 1.2); // zoom (step)
    QCOMPARE(pipeline.conversions(), 6);
    pipeline.frame(image, QRectF(0, 0, 100, 100), 0.5, 0.5, 1.2);
    QCOMPARE(pipeline.conversions(), 6);
}

void TestDisplayPipeline::newBufferAtSameAddressIsNotStale()
{
    DisplayPipeline pipeline;
    {
        const Image first = floatRamp(64, 64);
        pipeline.frame(first, all(first), 1.0, 0.0, 1.0);
    }
    // The first buffer is freed; a same-sized one (same revision, maybe the
    // same address) must not reuse its conversion.
    Image second = Image::create(64, 64, 4, DType::Float32);
    const DisplayFrame frame = pipeline.frame(second, all(second), 1.0, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 2);
    QCOMPARE(qRed(frame.image.pixel(40, 3)), 0);
}

void TestDisplayPipeline::trackedEditsConvertOnlyTheRowsTheyTouched_data()
{
    QTest::addColumn<double>("scale");
    QTest::newRow("1:1") << 1.0;
    QTest::newRow("fit, step 4") << 0.25;
}

// A tracked (private) buffer: after an edit only the output rows sampled
// from the chunks the tracker names are converted again, and the frame is
// the same as a whole conversion. A repaint with no write converts nothing.
void TestDisplayPipeline::trackedEditsConvertOnlyTheRowsTheyTouched()
{
    QFETCH(double, scale);
    Image image = floatRamp(1024, 2048); // 16 KiB rows: a 2 MiB chunk is 128 rows
    image.buffer()->enableWriteTracking();
    DisplayPipeline pipeline;
    DisplayFrame frame = pipeline.frame(image, all(image), scale, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1);
    const int outHeight = frame.image.height();

    image.markChanged(); // "maybe changed" (a repaint tick) with nothing written
    frame = pipeline.frame(image, all(image), scale, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1);
    QCOMPARE(pipeline.rowsUpdated(), qint64(0));

    for (int y = 1000; y < 1256; ++y) // a 256x256 patch
        for (int x = 400; x < 656; ++x)
            image.at<float>(x, y, 1) = 1.0f;
    frame = pipeline.frame(image, all(image), scale, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1);
    // The patch's chunks: rows 896 to 1279 at most (three chunks of 128 rows).
    QVERIFY2(pipeline.rowsUpdated() > 0 && pipeline.rowsUpdated() <= qint64(std::ceil(384 * scale)) + 1,
             qPrintable(QString::number(pipeline.rowsUpdated())));
    QVERIFY(pipeline.rowsUpdated() < outHeight / 2);

    DisplayPipeline fresh;
    const DisplayFrame whole = fresh.frame(image, all(image), scale, 0.0, 1.0);
    QCOMPARE(frame.image, whole.image);
    const QPoint inPatch(int(500 * scale), int(1100 * scale));
    QCOMPARE(qGreen(frame.image.pixel(inPatch)), 255);

    // A second edit far away converts its own rows; the first stay right.
    image.at<float>(10, 2040, 0) = 1.0f;
    frame = pipeline.frame(image, all(image), scale, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 1);
    QCOMPARE(frame.image, DisplayPipeline().frame(image, all(image), scale, 0.0, 1.0).image);
}

// Reduction::Box below 1:1: one level pixel per display pixel (the frame
// is exact), and RGBA8 shown as stored is drawn from the level's own memory
// (no conversion, no copy). At and above 1:1 Box changes nothing.
void TestDisplayPipeline::boxFramesAreLevelsAtDisplayResolution()
{
    Image image = Image::create(1000, 600, 4, DType::UInt8);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            image.at<std::uint8_t>(x, y, 3) = 255; // opaque: the plain area mean
    image.at<std::uint8_t>(0, 0, 0) = 200;
    DisplayPipeline pipeline;
    const double scale = 0.3;
    DisplayFrame frame = pipeline.frame(image, all(image), scale, DisplaySettings(), DisplayPipeline::Reduction::Box);
    QVERIFY(frame.exact);
    QVERIFY(!frame.direct);
    QCOMPARE(frame.image.size(), QSize(300, 180));
    QCOMPARE(frame.source, QRectF(0, 0, 300, 180));
    QCOMPARE(frame.target, QRectF(0, 0, 300 / scale, 180 / scale));
    const Image &level = pipeline.boxReduction().level();
    QCOMPARE(frame.image.constBits(), level.data());
    QCOMPARE(pipeline.conversions(), 0);
    // Cell (0, 0) covers 3.33 x 3.33 pixels of which one is 200.
    QCOMPARE(qRed(frame.image.pixel(0, 0)), int(std::lround(200 * 0.09)));

    frame = pipeline.frame(image, all(image), 1.0, DisplaySettings(), DisplayPipeline::Reduction::Box);
    QVERIFY(frame.direct);
    QVERIFY(!frame.exact);
    QCOMPARE(frame.image.constBits(), image.data());
}

// A float image: the level is converted at step 1, and after an edit of a
// tracked buffer only the level rows the reduction rewrote are converted
// again; the frame equals a fresh pipeline's.
void TestDisplayPipeline::boxFramesOfConvertedImagesFollowEdits()
{
    Image image = floatRamp(1024, 2048);
    image.buffer()->enableWriteTracking();
    DisplayPipeline pipeline;
    const auto box = DisplayPipeline::Reduction::Box;
    const double scale = 0.25;
    DisplayFrame frame = pipeline.frame(image, all(image), scale, DisplaySettings(), box);
    QVERIFY(frame.exact);
    QCOMPARE(frame.image.size(), QSize(256, 512));
    QCOMPARE(pipeline.conversions(), 1);

    for (int y = 1000; y < 1256; ++y)
        for (int x = 400; x < 656; ++x)
            image.at<float>(x, y, 1) = 1.0f;
    image.markChanged();
    frame = pipeline.frame(image, all(image), scale, DisplaySettings(), box);
    QCOMPARE(pipeline.conversions(), 1);
    QCOMPARE(pipeline.boxReduction().rebuilds(), 1);
    QVERIFY2(pipeline.rowsUpdated() > 0 && pipeline.rowsUpdated() <= 384 / 4 + 2,
             qPrintable(QString::number(pipeline.rowsUpdated())));
    DisplayPipeline fresh;
    QCOMPARE(frame.image, fresh.frame(image, all(image), scale, DisplaySettings(), box).image);
    QCOMPARE(qGreen(frame.image.pixel(500 / 4, 1100 / 4)), 255);
}

// An opaque red square on transparent black, its edges inside cells: the
// smooth frame's edge cells are red and half transparent (what drawing the
// pixels over a background would mix), not a darker red. Showing one
// channel (no alpha) is the plain mean; a new alpha choice rebuilds.
void TestDisplayPipeline::boxFramesWeighColoursByAlpha()
{
    Image image = Image::create(64, 64, 4, DType::UInt8);
    for (int y = 17; y < 47; ++y)
        for (int x = 17; x < 47; ++x) {
            image.at<std::uint8_t>(x, y, 0) = 255;
            image.at<std::uint8_t>(x, y, 3) = 255;
        }
    DisplayPipeline pipeline;
    const auto box = DisplayPipeline::Reduction::Box;
    DisplayFrame frame = pipeline.frame(image, all(image), 0.5, DisplaySettings(), box);
    QVERIFY(frame.exact);
    // Cell (8, 8) covers pixels 16 and 17 of both axes: one of its four is red.
    const QColor edge = frame.image.pixelColor(8, 8);
    QCOMPARE(edge.red(), 255);
    QCOMPARE(edge.alpha(), 64);
    QCOMPARE(frame.image.pixelColor(8, 20).red(), 255); // a left edge cell: two of four
    QCOMPARE(frame.image.pixelColor(8, 20).alpha(), 128);
    QCOMPARE(frame.image.pixelColor(2, 2).alpha(), 0);
    QCOMPARE(frame.image.pixelColor(16, 16), QColor(255, 0, 0, 255));

    DisplaySettings redOnly;
    redOnly.channel = 0;
    frame = pipeline.frame(image, all(image), 0.5, redOnly, box);
    QCOMPARE(pipeline.boxReduction().rebuilds(), 2);
    QCOMPARE(qRed(frame.image.pixel(8, 8)), 64); // the mean of 255, 0, 0, 0
}

// Drafts below 1:1 sample into the display cache even for RGBA8 shown as
// stored, so a stream of edits of a tracked buffer costs its rows; at 1:1
// drafts still draw straight from the buffer.
void TestDisplayPipeline::draftFramesBelowOneConvertFromTheTracker()
{
    Image image = Image::create(1024, 2048, 4, DType::UInt8); // 4 KiB rows: a chunk is 512 rows
    image.buffer()->enableWriteTracking();
    DisplayPipeline pipeline;
    const auto draft = DisplayPipeline::Reduction::Draft;
    DisplayFrame frame = pipeline.frame(image, all(image), 0.25, DisplaySettings(), draft);
    QVERIFY(!frame.direct);
    QCOMPARE(pipeline.conversions(), 1);
    QCOMPARE(frame.image.size(), QSize(256, 512));
    for (int y = 100; y < 200; ++y)
        for (int x = 0; x < 64; ++x) {
            image.at<std::uint8_t>(x, y, 0) = 255;
            image.at<std::uint8_t>(x, y, 3) = 255; // opaque: premultiplied red stays 255
        }
    image.markChanged();
    frame = pipeline.frame(image, all(image), 0.25, DisplaySettings(), draft);
    QCOMPARE(pipeline.conversions(), 1);
    QVERIFY2(pipeline.rowsUpdated() > 0 && pipeline.rowsUpdated() <= 512 / 4,
             qPrintable(QString::number(pipeline.rowsUpdated())));
    QCOMPARE(qRed(frame.image.pixel(4, 40)), 255);
    QCOMPARE(frame.image, DisplayPipeline().frame(image, all(image), 0.25, DisplaySettings(), draft).image);

    frame = pipeline.frame(image, all(image), 1.0, DisplaySettings(), draft);
    QVERIFY(frame.direct);
    QCOMPARE(frame.image.constBits(), image.data());
}

// Writes the tracker cannot see (another process mapping shared memory), or
// no tracker at all: every change of revision converts the whole view.
void TestDisplayPipeline::sharedOrUntrackedBuffersConvertWhole()
{
    Image untracked = floatRamp(256, 256);
    DisplayPipeline pipeline;
    pipeline.frame(untracked, all(untracked), 1.0, 0.0, 1.0);
    untracked.markChanged();
    pipeline.frame(untracked, all(untracked), 1.0, 0.0, 1.0);
    QCOMPARE(pipeline.conversions(), 2);

    Image shared = floatRamp(256, 256);
    shared.buffer()->enableWriteTracking();
    QVERIFY(shared.buffer()->shareMemory() >= 0);
    QVERIFY(shared.buffer()->isShared());
    DisplayPipeline sharedPipeline;
    sharedPipeline.frame(shared, all(shared), 1.0, 0.0, 1.0);
    shared.markChanged();
    sharedPipeline.frame(shared, all(shared), 1.0, 0.0, 1.0);
    QCOMPARE(sharedPipeline.conversions(), 2);
    QCOMPARE(sharedPipeline.rowsUpdated(), qint64(0));
}

void TestDisplayPipeline::levelsMapValuesToBytes_data()
{
    // byte = round(255 * clamp((v - lo) / (hi - lo), 0, 1) ^ (1 / gamma)), in stored units.
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<double>("gamma");
    QTest::addColumn<int>("expected");
    QTest::newRow("uint8 mid") << DType::UInt8 << 100.0 << 50.0 << 150.0 << 1.0 << 128;
    QTest::newRow("uint8 below") << DType::UInt8 << 10.0 << 50.0 << 150.0 << 1.0 << 0;
    QTest::newRow("uint8 above") << DType::UInt8 << 200.0 << 50.0 << 150.0 << 1.0 << 255;
    QTest::newRow("uint16 chessboard white") << DType::UInt16 << 255.0 << 0.0 << 255.0 << 1.0 << 255;
    QTest::newRow("uint16 quarter") << DType::UInt16 << 1000.0 << 0.0 << 4000.0 << 1.0 << 64;
    QTest::newRow("uint16 gamma 2") << DType::UInt16 << 1000.0 << 0.0 << 4000.0 << 2.0 << 128;
    QTest::newRow("float16 signed") << DType::Float16 << 0.0 << -2.0 << 2.0 << 1.0 << 128;
    QTest::newRow("float32 -1000..1000") << DType::Float32 << 500.0 << -1000.0 << 1000.0 << 1.0 << 191;
    QTest::newRow("float32 small values") << DType::Float32 << 0.0015 << 0.0 << 0.002 << 1.0 << 191;
    QTest::newRow("float32 gamma 0.5") << DType::Float32 << 0.5 << 0.0 << 1.0 << 0.5 << 64;
}

void TestDisplayPipeline::levelsMapValuesToBytes()
{
    QFETCH(DType, dtype);
    QFETCH(double, value);
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(double, gamma);
    QFETCH(int, expected);
    const double unit = std::clamp((value - lo) / (hi - lo), 0.0, 1.0);
    QCOMPARE(int(std::lround(255.0 * std::pow(unit, 1.0 / gamma))), expected); // the rule itself
    const Image image = onePixel(dtype, 3, value);
    DisplayPipeline pipeline;
    const DisplayFrame frame = pipeline.frame(image, all(image), 1.0, withLevels(3, lo, hi, gamma));
    QVERIFY(!frame.direct);
    QCOMPARE(frame.image.pixel(0, 0), qRgb(expected, expected, expected));
}

void TestDisplayPipeline::perChannelLevels()
{
    const Image image = onePixel(DType::UInt16, 3, 1000.0);
    DisplaySettings settings;
    settings.levels = {{0, 1000}, {0, 2000}, {1000, 2000}};
    settings.levelsLinked = false;
    DisplayPipeline pipeline;
    QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0), qRgb(255, 128, 0));
}

void TestDisplayPipeline::uint8ShownAsStoredStaysDirect()
{
    const Image image = onePixel(DType::UInt8, 4, 77.0);
    DisplayPipeline pipeline;
    DisplaySettings settings = withLevels(4, 0, 255);
    QVERIFY(pipeline.frame(image, all(image), 1.0, settings).direct);
    settings.levels[1] = {0, 100}; // any change leaves the zero-copy path
    QVERIFY(!pipeline.frame(image, all(image), 1.0, settings).direct);
    settings = withLevels(4, 0, 255);
    settings.channel = 1;
    QVERIFY(!pipeline.frame(image, all(image), 1.0, settings).direct);
}

void TestDisplayPipeline::colormapEndpoints_data()
{
    QTest::addColumn<QString>("name");
    for (const Colormap *map : colormaps())
        QTest::newRow(map->name.data()) << QString::fromUtf8(map->name.data(), int(map->name.size()));
}

void TestDisplayPipeline::colormapEndpoints()
{
    QFETCH(QString, name);
    const Colormap *map = findColormap(name.toStdString());
    QVERIFY(map);
    Image image = Image::create(3, 1, 1, DType::Float32);
    image.at<float>(0, 0, 0) = -5.0f; // below lo: index 0
    image.at<float>(1, 0, 0) = 5.0f;  // above hi: index 255
    image.at<float>(2, 0, 0) = 0.5f;  // middle: index 128
    DisplaySettings settings = withLevels(1, 0.0, 1.0);
    settings.colormap = name;
    DisplayPipeline pipeline;
    const DisplayFrame frame = pipeline.frame(image, all(image), 1.0, settings);
    QCOMPARE(frame.image.pixel(0, 0), rgbOf(map, 0));
    QCOMPARE(frame.image.pixel(1, 0), rgbOf(map, 255));
    QCOMPARE(frame.image.pixel(2, 0), rgbOf(map, 128));
}

void TestDisplayPipeline::specialValuesHaveTheirColours_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<QString>("colormap");
    for (DType t : {DType::Float32, DType::Float16})
        for (const char *map : {"", "viridis"})
            QTest::newRow(QByteArray(dtypeName(t)) + " " + map) << t << QString::fromLatin1(map);
}

void TestDisplayPipeline::specialValuesHaveTheirColours()
{
    QFETCH(DType, dtype);
    QFETCH(QString, colormap);
    const double specials[3] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity()};
    const QRgb colours[3] = {DisplayPipeline::nanColour(), DisplayPipeline::posInfColour(),
                             DisplayPipeline::negInfColour()};
    DisplayPipeline pipeline;
    for (int i = 0; i < 3; ++i) {
        const int channels = colormap.isEmpty() ? 3 : 1;
        Image image = onePixel(dtype, channels, 0.5);
        // One channel special is enough (here the last shown one).
        if (dtype == DType::Float32)
            image.at<float>(0, 0, channels - 1) = float(specials[i]);
        else
            image.at<float16>(0, 0, channels - 1) = float16(float(specials[i]));
        DisplaySettings settings = withLevels(channels, 0.0, 1.0);
        settings.colormap = colormap;
        QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0), colours[i]);
    }
    // The three colours differ from each other.
    QVERIFY(colours[0] != colours[1] && colours[1] != colours[2] && colours[0] != colours[2]);
}

void TestDisplayPipeline::oneChannelOfFiveAsGrey()
{
    Image image = Image::create(1, 1, 5, DType::UInt16);
    for (int c = 0; c < 5; ++c)
        image.at<std::uint16_t>(0, 0, c) = std::uint16_t(100 * (c + 1)); // 100..500
    DisplaySettings settings = withLevels(5, 0.0, 1000.0);
    DisplayPipeline pipeline;
    for (int c = 0; c < 5; ++c) {
        settings.channel = c;
        const int expected = int(std::lround(255.0 * (100.0 * (c + 1)) / 1000.0));
        QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0),
                 qRgb(expected, expected, expected));
    }
}

void TestDisplayPipeline::alphaChannelAsGrey()
{
    Image image = onePixel(DType::UInt8, 4, 10.0);
    image.at<std::uint8_t>(0, 0, 3) = 200;
    DisplaySettings settings = withLevels(4, 0.0, 255.0);
    settings.channel = 3;
    DisplayPipeline pipeline;
    const DisplayFrame frame = pipeline.frame(image, all(image), 1.0, settings);
    QCOMPARE(frame.image.pixel(0, 0), qRgb(200, 200, 200)); // opaque grey, not blended
    QVERIFY(!frame.image.hasAlphaChannel());
}

void TestDisplayPipeline::channelGroupOfManyChannels()
{
    Image image = Image::create(1, 1, 6, DType::Float32);
    for (int c = 0; c < 6; ++c)
        image.at<float>(0, 0, c) = float(c) / 5.0f;
    DisplaySettings settings = withLevels(6, 0.0, 1.0);
    settings.channelGroup = {3, 4, 5};
    DisplayPipeline pipeline;
    QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0), qRgb(153, 204, 255));
}

void TestDisplayPipeline::settingsChangeRebuildsTheCache()
{
    const Image image = floatRamp(64, 64, 3);
    DisplayPipeline pipeline;
    DisplaySettings settings = withLevels(3, 0.0, 1.0);
    pipeline.frame(image, all(image), 1.0, settings);
    pipeline.frame(image, all(image), 1.0, settings);
    QCOMPARE(pipeline.conversions(), 1);
    int expected = 1;
    const auto changed = [&](const DisplaySettings &s) {
        pipeline.frame(image, all(image), 1.0, s);
        return pipeline.conversions() == ++expected;
    };
    DisplaySettings s = settings;
    s.levels[0].hi = 0.5;
    QVERIFY(changed(s));
    s.colormap = QStringLiteral("magma");
    pipeline.frame(image, all(image), 1.0, s);
    QCOMPARE(pipeline.conversions(), expected); // a colormap with 3 channels shown changes nothing...
    s.channel = 0;
    QVERIFY(changed(s)); // ...one channel shown: the colormap applies
    s.colormap = QStringLiteral("viridis");
    QVERIFY(changed(s));
    s.offset = 0.1;
    QVERIFY(changed(s));
    s.viewTransform = ViewTransform::SRGB;
    QVERIFY(changed(s));
    image.markChanged();
    QVERIFY(changed(s));
}

void TestDisplayPipeline::srgbViewTransform()
{
    const Image image = onePixel(DType::Float32, 3, 0.18);
    DisplaySettings settings = withLevels(3, 0.0, 1.0);
    settings.viewTransform = ViewTransform::SRGB;
    DisplayPipeline pipeline;
    QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0), qRgb(118, 118, 118));
    settings.exposure = 1.0; // 0.36 linear
    const int expected = int(std::lround(255.0 * DisplayLut::srgbEncode(0.36)));
    QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0), qRgb(expected, expected, expected));
}

void TestDisplayPipeline::ocioDisplayView_data()
{
    QTest::addColumn<QString>("view");
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("expected");
    QTest::newRow("Standard from linear") << "Standard" << "linear" << 118;
    QTest::newRow("Raw from linear") << "Raw" << "linear" << 46;
    QTest::newRow("Standard, default input (scene_linear)") << "Standard" << "" << 118;
    QTest::newRow("Raw from sRGB input") << "Raw" << "sRGB" << 7; // 0.18 sRGB-encoded is 0.0272 linear
}

void TestDisplayPipeline::ocioDisplayView()
{
    QFETCH(QString, view);
    QFETCH(QString, input);
    QFETCH(int, expected);
    QTemporaryDir dir;
    const QString config = writeTestOcioConfig(dir.path());
    qputenv("OCIO", config.toLocal8Bit());
    const Image image = onePixel(DType::Float32, 3, 0.18);
    DisplaySettings settings = withLevels(3, 0.0, 1.0);
    settings.viewTransform = ViewTransform::Ocio;
    settings.ocioDisplay = QStringLiteral("sRGB");
    settings.ocioView = view;
    settings.inputColorspace = input;
    DisplayPipeline pipeline;
    const QRgb px = pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0);
    QVERIFY2(pipeline.colourError().isEmpty(), qPrintable(pipeline.colourError()));
    QCOMPARE(px, qRgb(expected, expected, expected));

    // An unknown view falls back to the built-in sRGB transform and says why.
    settings.ocioView = QStringLiteral("Nope");
    QCOMPARE(pipeline.frame(image, all(image), 1.0, settings).image.pixel(0, 0), qRgb(118, 118, 118));
    QVERIFY(pipeline.colourError().contains(QLatin1String("Nope")));
    QVERIFY(pipeline.colourError().contains(QLatin1String("Standard, Raw")));
    qunsetenv("OCIO");
}

QTEST_MAIN(TestDisplayPipeline)
#include "tst_displaypipeline.moc"
