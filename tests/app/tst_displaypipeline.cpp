// DisplayPipeline: direct drawing for wrappable integers, a cached 8-bit
// conversion of the visible part for everything else.
#include <QtTest>

#include <livepix/image.h>

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

} // namespace

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

QTEST_MAIN(TestDisplayPipeline)
#include "tst_displaypipeline.moc"
