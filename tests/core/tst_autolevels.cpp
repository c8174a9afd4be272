// autoLevels: min/max and exact percentiles (NumPy's "lower" / "higher"
// methods), linked or per channel, alpha left at the full range, the
// constant and empty rules, for every dtype and layout.
#include <QtTest>

#include <livepix/autolevels.h>

#include <algorithm>

#include "testsupport.h"

using namespace livepix;

class TestAutoLevels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fitsTheFiniteValues_data();
    void fitsTheFiniteValues();
    void constantAndEmptyChannels_data();
    void constantAndEmptyChannels();
    void chosenChannelsAndSampling();
    void fullRangeOfEachType();
    void badOptionsAreErrors();
    void modeNamesRoundTrip();
    void unknownModeNameIsAnError_data();
    void unknownModeNameIsAnError();
};

namespace {

/// Sorted finite values of the given channels, pooled.
std::vector<double> finiteValues(const Image &image, const std::vector<int> &channels)
{
    std::vector<double> v;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (const int c : channels)
                if (const double value = image.valueAt(x, y, c); std::isfinite(value))
                    v.push_back(value);
    std::sort(v.begin(), v.end());
    return v;
}

/// NumPy's percentile(method="lower") / (method="higher") on sorted values.
LevelRange percentiles(const std::vector<double> &sorted, double low, double high)
{
    const double n1 = double(sorted.size() - 1);
    return {sorted[std::size_t(std::floor(n1 * (low / 100.0)))], sorted[std::size_t(std::ceil(n1 * (high / 100.0)))]};
}

} // namespace

void TestAutoLevels::fitsTheFiniteValues_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("percentile");
    QTest::addColumn<bool>("linked");
    QTest::addColumn<bool>("crop");
    const char *names[] = {"u8", "u16", "f16", "f32"};
    for (int t = 0; t < 4; ++t)
        for (int channels = 1; channels <= 5; ++channels)
            for (bool percentile : {false, true})
                for (bool linked : {true, false})
                    QTest::addRow("%s %dch %s %s", names[t], channels, percentile ? "percentile" : "minmax",
                                  linked ? "linked" : "per channel")
                        << t << channels << percentile << linked << (channels % 2 == 0);
}

void TestAutoLevels::fitsTheFiniteValues()
{
    QFETCH(int, dtype);
    QFETCH(int, channels);
    QFETCH(bool, percentile);
    QFETCH(bool, linked);
    QFETCH(bool, crop);
    // 260 x 260: the 16-bit counting and the threaded float passes both run.
    Image image = testsupport::makeTestImage(260, 260, channels, DType(dtype), unsigned(channels + 10 * dtype));
    testsupport::addNonFinite(image);
    if (crop)
        image = image.view(7, 3, 200, 250);
    AutoLevelsOptions options;
    options.mode = percentile ? AutoLevelsMode::Percentile : AutoLevelsMode::MinMax;
    options.lowPercent = 1.5;
    options.highPercent = 97.0;
    options.linked = linked;
    const std::vector<LevelRange> levels = autoLevels(image, options);
    QCOMPARE(int(levels.size()), channels);
    const int alpha = image.alphaChannel(); // R,G,B,A: 3; Y,A: 1
    QCOMPARE(alpha, channels == 2 ? 1 : channels >= 4 ? 3 : -1);
    std::vector<int> colour;
    for (int c = 0; c < channels; ++c)
        if (c != alpha)
            colour.push_back(c);
    auto expected = [&](const std::vector<int> &group) {
        const std::vector<double> v = finiteValues(image, group);
        return percentile ? percentiles(v, 1.5, 97.0) : LevelRange{v.front(), v.back()};
    };
    for (int c = 0; c < channels; ++c) {
        const LevelRange got = levels[std::size_t(c)];
        const LevelRange want = c == alpha ? fullRange(image.dtype()) : expected(linked ? colour : std::vector<int>{c});
        QVERIFY2(got == want, qPrintable(QStringLiteral("channel %1: %2..%3, expected %4..%5")
                                             .arg(c).arg(got.lo).arg(got.hi).arg(want.lo).arg(want.hi)));
        QVERIFY(got.lo < got.hi);
    }
}

void TestAutoLevels::constantAndEmptyChannels_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::newRow("u8 7") << int(DType::UInt8) << 7.0 << 6.5 << 7.5;
    QTest::newRow("u8 0 clamps") << int(DType::UInt8) << 0.0 << 0.0 << 0.5;
    QTest::newRow("u16 65535 clamps") << int(DType::UInt16) << 65535.0 << 65534.5 << 65535.0;
    QTest::newRow("f32 0.25") << int(DType::Float32) << 0.25 << -0.25 << 0.75;
    QTest::newRow("f32 -1000") << int(DType::Float32) << -1000.0 << -1500.0 << -500.0;
    QTest::newRow("f16 4") << int(DType::Float16) << 4.0 << 2.0 << 6.0;
    QTest::newRow("f32 all NaN: full range") << int(DType::Float32) << double(NAN) << 0.0 << 1.0;
}

void TestAutoLevels::constantAndEmptyChannels()
{
    QFETCH(int, dtype);
    QFETCH(double, value);
    QFETCH(double, lo);
    QFETCH(double, hi);
    const Image image = Image::create(9, 5, 1, DType(dtype));
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 9; ++x)
            switch (DType(dtype)) {
            case DType::UInt8: image.at<std::uint8_t>(x, y, 0) = std::uint8_t(value); break;
            case DType::UInt16: image.at<std::uint16_t>(x, y, 0) = std::uint16_t(value); break;
            case DType::Float16: image.at<float16>(x, y, 0) = float16(float(value)); break;
            case DType::Float32: image.at<float>(x, y, 0) = float(value); break;
            }
    for (const auto mode : {AutoLevelsMode::MinMax, AutoLevelsMode::Percentile}) {
        AutoLevelsOptions options;
        options.mode = mode;
        const std::vector<LevelRange> levels = autoLevels(image, options);
        QCOMPARE(levels.size(), std::size_t(1));
        QCOMPARE(levels[0].lo, lo);
        QCOMPARE(levels[0].hi, hi);
    }
}

void TestAutoLevels::chosenChannelsAndSampling()
{
    Image image = testsupport::makeTestImage(900, 800, 3, DType::Float32, 5);
    AutoLevelsOptions options;
    options.channels = {1};
    const std::vector<LevelRange> levels = autoLevels(image, options);
    QVERIFY(levels[0] == fullRange(DType::Float32));
    QVERIFY(levels[2] == fullRange(DType::Float32));
    const std::vector<double> g = finiteValues(image, {1});
    QVERIFY((levels[1] == LevelRange{g.front(), g.back()}));
    // A sample of about 10000 pixels sees a range inside the full one.
    options.pixelBudget = 10000;
    const LevelRange sampled = autoLevels(image, options)[1];
    QVERIFY(sampled.lo >= g.front() && sampled.hi <= g.back() && sampled.lo < sampled.hi);
    QVERIFY(!(sampled == levels[1]));
}

void TestAutoLevels::fullRangeOfEachType()
{
    QVERIFY((fullRange(DType::UInt8) == LevelRange{0, 255}));
    QVERIFY((fullRange(DType::UInt16) == LevelRange{0, 65535}));
    QVERIFY((fullRange(DType::Float16) == LevelRange{0, 1}));
    QVERIFY((fullRange(DType::Float32) == LevelRange{0, 1}));
}

void TestAutoLevels::badOptionsAreErrors()
{
    const Image image = Image::create(2, 2, 3, DType::UInt8);
    AutoLevelsOptions options;
    options.lowPercent = 60;
    options.highPercent = 40;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, autoLevels(image, options));
    options = {};
    options.channels = {3};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, autoLevels(image, options));
    QVERIFY(autoLevels(Image()).empty());
}

void TestAutoLevels::modeNamesRoundTrip()
{
    QCOMPARE(parseAutoLevelsMode("minmax"), AutoLevelsMode::MinMax);
    QCOMPARE(parseAutoLevelsMode("percentile"), AutoLevelsMode::Percentile);
    for (const AutoLevelsMode mode : {AutoLevelsMode::MinMax, AutoLevelsMode::Percentile})
        QCOMPARE(parseAutoLevelsMode(autoLevelsModeName(mode)), mode);
}

void TestAutoLevels::unknownModeNameIsAnError_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("other word") << "median";
    QTest::newRow("empty") << "";
    QTest::newRow("case differs") << "MinMax"; // names are exact, as Python's keywords are
    QTest::newRow("padded") << " percentile";
}

void TestAutoLevels::unknownModeNameIsAnError()
{
    QFETCH(QString, name);
    const std::string bad = name.toStdString();
    try {
        parseAutoLevelsMode(bad);
        QFAIL("no exception");
    } catch (const std::invalid_argument &e) {
        const std::string message = e.what();
        QVERIFY2(message.find('"' + bad + '"') != std::string::npos, e.what());
        QVERIFY2(message.find("\"minmax\"") != std::string::npos, e.what());
        QVERIFY2(message.find("\"percentile\"") != std::string::npos, e.what());
    }
}

QTEST_GUILESS_MAIN(TestAutoLevels)
#include "tst_autolevels.moc"
