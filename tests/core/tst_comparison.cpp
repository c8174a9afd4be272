// compareMetrics / differenceImage: float64 on raw values over the overlap
// and the colour channels, for every dtype pair, channel count and layout;
// alpha excluded, NaN propagated, the reuse buffer written in place.
#include <QtTest>

#include <livepix/comparison.h>

#include <algorithm>

#include "testsupport.h"

using namespace livepix;

class TestComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void metricsOverTheOverlap_data();
    void metricsOverTheOverlap();
    void differenceModes_data();
    void differenceModes();
    void equalImagesAndAlpha();
    void nanPropagates();
    void reuseIsWrittenInPlace();
};

namespace {

/// Copy of `image` with every 5th row's values changed (a few differ, most do not).
Image changedCopy(const Image &image)
{
    Image other = image.copy();
    const Image noise = testsupport::makeTestImage(image.width(), image.height(), image.channels(), image.dtype(), 99);
    for (int y = 0; y < image.height(); y += 5)
        std::memcpy(other.row(y), noise.row(y), std::size_t(image.width()) * image.channels() * image.componentSize());
    return other;
}

std::vector<int> colourChannels(const Image &a, const Image &b)
{
    std::vector<int> channels;
    for (int c = 0; c < std::min(a.channels(), b.channels()); ++c)
        if (c != a.alphaChannel() && c != b.alphaChannel())
            channels.push_back(c);
    return channels;
}

} // namespace

void TestComparison::metricsOverTheOverlap_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("otherSize");
    const char *names[] = {"u8", "u16", "f16", "f32"};
    for (int t = 0; t < 4; ++t)
        for (int channels = 1; channels <= 5; ++channels)
            for (bool otherSize : {false, true})
                QTest::addRow("%s %dch%s", names[t], channels, otherSize ? " sizes differ" : "")
                    << t << channels << otherSize;
}

void TestComparison::metricsOverTheOverlap()
{
    QFETCH(int, dtype);
    QFETCH(int, channels);
    QFETCH(bool, otherSize);
    const Image a = testsupport::makeTestImage(310, 240, channels, DType(dtype), 1);
    Image b = changedCopy(a);
    if (otherSize) // a crop of a larger image: other strides, other size
        b = changedCopy(testsupport::makeTestImage(400, 200, channels, DType(dtype), 1)).view(17, 9, 280, 190);
    const CompareMetrics m = compareMetrics(a, b);
    const int w = std::min(a.width(), b.width()), h = std::min(a.height(), b.height());
    QCOMPARE(m.overlapWidth, w);
    QCOMPARE(m.overlapHeight, h);
    QCOMPARE(m.sizesDiffer, otherSize);
    const std::vector<int> compared = colourChannels(a, b);
    QCOMPARE(m.channels, int(compared.size()));
    double squares = 0, maxAbs = 0;
    std::uint64_t differing = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            bool differs = false;
            for (const int c : compared) {
                const double d = double(a.valueAt(x, y, c)) - double(b.valueAt(x, y, c));
                squares += d * d;
                maxAbs = std::max(maxAbs, std::abs(d));
                differs |= d != 0;
            }
            differing += differs;
        }
    const double mse = squares / (double(w) * h * double(compared.size()));
    QVERIFY(differing > 0 && (otherSize || differing < std::uint64_t(w) * h));
    QCOMPARE(m.differing, differing);
    QCOMPARE(m.maxAbs, maxAbs);
    QVERIFY(std::abs(m.mse - mse) <= 1e-12 * mse);
    const double peak = DType(dtype) == DType::UInt8 ? 255.0 : DType(dtype) == DType::UInt16 ? 65535.0 : 1.0;
    QVERIFY(std::abs(m.psnr - 10 * std::log10(peak * peak / mse)) < 1e-9);
}

void TestComparison::differenceModes_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("dtype");
    const char *modes[] = {"signed", "absolute", "squared", "relative"};
    const char *names[] = {"u8", "u16", "f16", "f32"};
    for (int m = 0; m < 4; ++m)
        for (int t = 0; t < 4; ++t)
            QTest::addRow("%s %s", modes[m], names[t]) << m << t;
}

void TestComparison::differenceModes()
{
    QFETCH(int, mode);
    QFETCH(int, dtype);
    const Image a = testsupport::makeTestImage(300, 230, 4, DType(dtype), 2);
    const Image b = testsupport::makeTestImage(320, 220, 4, DType(dtype), 3).view(20, 0, 300, 220);
    const Image d = differenceImage(a, b, DifferenceMode(mode));
    QCOMPARE(d.width(), 300);
    QCOMPARE(d.height(), 220);
    QCOMPARE(d.channels(), 3); // R, G, B: alpha is not compared
    QCOMPARE(d.dtype(), DType::Float32);
    QCOMPARE(d.channelNames(), (std::vector<std::string>{"R", "G", "B"}));
    for (int y = 0; y < 220; y += 7)
        for (int x = 0; x < 300; x += 3)
            for (int c = 0; c < 3; ++c) {
                const double va = a.valueAt(x, y, c), vb = b.valueAt(x, y, c), diff = va - vb;
                const double want[] = {diff, std::abs(diff), diff * diff, std::abs(diff) / std::max(std::abs(vb), 1e-3)};
                QCOMPARE(d.at<float>(x, y, c), float(want[mode]));
            }
}

void TestComparison::equalImagesAndAlpha()
{
    const Image a = testsupport::makeTestImage(40, 30, 4, DType::UInt8);
    Image b = a.copy();
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x)
            b.at<std::uint8_t>(x, y, 3) ^= 0xff; // only alpha differs
    const CompareMetrics m = compareMetrics(a, b);
    QCOMPARE(m.mse, 0.0);
    QCOMPARE(m.differing, std::uint64_t(0));
    QVERIFY(std::isinf(m.psnr) && m.psnr > 0);
    QCOMPARE(m.channels, 3);
    QVERIFY(!m.sizesDiffer);
    QVERIFY(compareMetrics(a, Image()).channels == 0);
}

void TestComparison::nanPropagates()
{
    const Image a = Image::create(8, 4, 3, DType::Float32);
    const Image b = a.copy();
    b.at<float>(3, 2, 1) = std::numeric_limits<float>::quiet_NaN();
    const CompareMetrics m = compareMetrics(a, b);
    QVERIFY(std::isnan(m.mse) && std::isnan(m.maxAbs) && std::isnan(m.psnr));
    QCOMPARE(m.differing, std::uint64_t(1)); // NaN != 0, as in NumPy
    QVERIFY(std::isnan(differenceImage(a, b, DifferenceMode::Relative).at<float>(3, 2, 1)));
}

void TestComparison::reuseIsWrittenInPlace()
{
    const Image a = testsupport::makeTestImage(64, 48, 3, DType::Float32, 4);
    const Image b = testsupport::makeTestImage(64, 48, 3, DType::Float32, 5);
    const Image first = differenceImage(a, b, DifferenceMode::Signed);
    const Image again = differenceImage(b, a, DifferenceMode::Signed, first);
    QCOMPARE(again.data(), first.data()); // same buffer, new values
    QCOMPARE(first.at<float>(5, 6, 1), float(double(b.at<float>(5, 6, 1)) - a.at<float>(5, 6, 1)));
    const Image other = differenceImage(a.view(0, 0, 32, 48), b, DifferenceMode::Signed, first);
    QVERIFY(other.data() != first.data()); // wrong size: a new image
    QCOMPARE(other.width(), 32);
}

QTEST_GUILESS_MAIN(TestComparison)
#include "tst_comparison.moc"
