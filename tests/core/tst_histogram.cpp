// computeHistogram / computeStatistics: every finite value lands in the bin
// whose edges hold it (NumPy's rule, last bin closed), NaN and Inf are counted
// apart, for every dtype, layout and channel count; sampling, cancel and
// threads. (tests/python/test_histogram.py compares with NumPy itself.)
#include <QtTest>

#include <livepix/histogram.h>

#include <algorithm>
#include <cstdlib>

#include "testsupport.h"

using namespace livepix;

class TestHistogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void binsHoldTheirValues_data();
    void binsHoldTheirValues();
    void threadCountDoesNotChangeTheResult();
    void givenRangeKeepsItsEdgesAndClosesTheLastBin();
    void constantAndEmptyChannels();
    void sharedOrPerChannelRange();
    void pixelBudgetSamplesARegularGrid();
    void cancelFlagStopsTheRun();
    void badOptionsAreErrors();
};

namespace {

struct Reference {
    std::vector<std::vector<double>> finite; // per channel
    std::vector<ChannelStats> stats;
};

/// The values of every channel, read one by one with Image::valueAt.
Reference referenceOf(const Image &image)
{
    Reference r;
    r.finite.resize(std::size_t(image.channels()));
    r.stats.resize(std::size_t(image.channels()));
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < image.channels(); ++c) {
                const double v = image.valueAt(x, y, c);
                ChannelStats &s = r.stats[std::size_t(c)];
                if (std::isnan(v))
                    ++s.nan;
                else if (std::isinf(v))
                    ++(v > 0 ? s.posInf : s.negInf);
                else
                    r.finite[std::size_t(c)].push_back(v);
            }
    return r;
}

/// Counts of `values` in the bins of `edges`: [e_b, e_b+1), the last bin closed.
std::vector<std::uint64_t> binByEdges(const std::vector<double> &values, const std::vector<double> &edges)
{
    std::vector<std::uint64_t> counts(edges.size() - 1);
    for (const double v : values) {
        if (v < edges.front() || v > edges.back())
            continue;
        auto b = std::size_t(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()) - 1;
        counts[std::min(b, counts.size() - 1)]++;
    }
    return counts;
}

Image layoutOf(const Image &base, const QString &layout, int channels)
{
    if (layout == QLatin1String("crop"))
        return base.view(3, 2, base.width() - 5, base.height() - 3).channelView(0, channels);
    if (layout == QLatin1String("channels"))
        return base.channelView(base.channels() - channels, channels);
    return base;
}

} // namespace

void TestHistogram::binsHoldTheirValues_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("width");
    QTest::addColumn<QString>("layout");
    QTest::addColumn<int>("bins");
    const char *names[] = {"u8", "u16", "f16", "f32"};
    for (int t = 0; t < 4; ++t)
        for (int channels = 1; channels <= 5; ++channels)
            for (const char *layout : {"interleaved", "crop", "channels"}) {
                // 40 px rows walk value by value; 300 x 240 counts codes (16-bit) and uses threads.
                for (int width : {40, 300}) {
                    const int bins = width == 40 ? 7 : 256;
                    QTest::addRow("%s %dch %s w%d", names[t], channels, layout, width)
                        << t << channels << width << QString::fromLatin1(layout) << bins;
                }
            }
}

void TestHistogram::binsHoldTheirValues()
{
    QFETCH(int, dtype);
    QFETCH(int, channels);
    QFETCH(int, width);
    QFETCH(QString, layout);
    QFETCH(int, bins);
    const Image base = testsupport::makeTestImage(width, width == 40 ? 30 : 240, layout == "interleaved" ? channels : 5,
                                                  DType(dtype), unsigned(dtype * 7 + channels));
    testsupport::addNonFinite(base);
    const Image image = layoutOf(base, layout, channels);
    HistogramOptions options;
    options.bins = bins;
    const Histogram h = computeHistogram(image, options);
    const Reference ref = referenceOf(image);

    QCOMPARE(h.bins, bins);
    QCOMPARE(int(h.counts.size()), channels);
    QVERIFY(!h.sampled && !h.cancelled);
    QCOMPARE(h.pixelsLooked, std::size_t(image.width()) * std::size_t(image.height()));
    double lo = INFINITY, hi = -INFINITY;
    for (const auto &values : ref.finite)
        for (const double v : values) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    for (int c = 0; c < channels; ++c) {
        const auto &edges = h.edges[std::size_t(c)];
        QCOMPARE(int(edges.size()), bins + 1);
        QCOMPARE(edges.front(), lo); // one shared range: the finite min..max of all channels
        QCOMPARE(edges.back(), hi);
        QVERIFY(std::is_sorted(edges.begin(), edges.end()));
        const auto want = binByEdges(ref.finite[std::size_t(c)], edges);
        QVERIFY2(h.counts[std::size_t(c)] == want, qPrintable(QStringLiteral("channel %1").arg(c)));
        const ChannelStats &s = h.stats[std::size_t(c)], &r = ref.stats[std::size_t(c)];
        const auto &values = ref.finite[std::size_t(c)];
        QCOMPARE(s.finite, std::uint64_t(values.size()));
        QCOMPARE(s.nan, r.nan);
        QCOMPARE(s.posInf, r.posInf);
        QCOMPARE(s.negInf, r.negInf);
        QCOMPARE(s.min, *std::min_element(values.begin(), values.end()));
        QCOMPARE(s.max, *std::max_element(values.begin(), values.end()));
        double sum = 0;
        for (const double v : values)
            sum += v;
        QVERIFY(std::abs(s.mean - sum / double(values.size())) <= 1e-9 * std::max(1.0, std::abs(s.mean)));
        if (isFloat(image.dtype()))
            QVERIFY(r.nan > 0 && r.posInf > 0 && r.negInf > 0);
    }
    const std::vector<ChannelStats> stats = computeStatistics(image);
    QCOMPARE(int(stats.size()), channels);
    for (int c = 0; c < channels; ++c) {
        QCOMPARE(stats[std::size_t(c)].min, h.stats[std::size_t(c)].min);
        QCOMPARE(stats[std::size_t(c)].finite, h.stats[std::size_t(c)].finite);
        QCOMPARE(stats[std::size_t(c)].nan, h.stats[std::size_t(c)].nan);
    }
}

void TestHistogram::threadCountDoesNotChangeTheResult()
{
    const Image image = testsupport::makeTestImage(700, 500, 4, DType::Float32, 3);
    testsupport::addNonFinite(image);
    qputenv("LIVEPIX_CORE_THREADS", "1");
    const Histogram one = computeHistogram(image);
    qputenv("LIVEPIX_CORE_THREADS", "5");
    const Histogram five = computeHistogram(image);
    qunsetenv("LIVEPIX_CORE_THREADS");
    QCOMPARE(one.counts, five.counts);
    QCOMPARE(one.edges, five.edges);
    for (std::size_t c = 0; c < 4; ++c) {
        QCOMPARE(one.stats[c].finite, five.stats[c].finite);
        QCOMPARE(one.stats[c].max, five.stats[c].max);
        QVERIFY(std::abs(one.stats[c].mean - five.stats[c].mean) < 1e-9);
    }
}

void TestHistogram::givenRangeKeepsItsEdgesAndClosesTheLastBin()
{
    Image image = Image::create(6, 1, 1, DType::Float32);
    const float values[] = {-1.f, 0.f, 0.25f, 0.5f, 1.f, 2.f};
    for (int x = 0; x < 6; ++x)
        image.at<float>(x, 0, 0) = values[x];
    HistogramOptions options;
    options.bins = 2;
    options.range = std::make_pair(0.0, 1.0);
    const Histogram h = computeHistogram(image, options);
    QCOMPARE(h.edges[0], (std::vector<double>{0.0, 0.5, 1.0}));
    QCOMPARE(h.counts[0], (std::vector<std::uint64_t>{2, 2})); // 0, 0.25 | 0.5, 1 (closed); -1 and 2 outside
    QCOMPARE(h.stats[0].min, -1.0); // statistics cover every value looked at
    QCOMPARE(h.stats[0].max, 2.0);
}

void TestHistogram::constantAndEmptyChannels()
{
    Image image = Image::create(4, 3, 2, DType::Float32);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x) {
            image.at<float>(x, y, 0) = 7.f;
            image.at<float>(x, y, 1) = std::numeric_limits<float>::quiet_NaN();
        }
    HistogramOptions options;
    options.bins = 4;
    const Histogram h = computeHistogram(image, options);
    QCOMPARE(h.edges[0], (std::vector<double>{6.5, 6.75, 7.0, 7.25, 7.5})); // NumPy: [v - 0.5, v + 0.5]
    QCOMPARE(h.counts[0], (std::vector<std::uint64_t>{0, 0, 12, 0}));
    QCOMPARE(h.counts[1], (std::vector<std::uint64_t>{0, 0, 0, 0}));
    QVERIFY(std::isnan(h.stats[1].min) && std::isnan(h.stats[1].mean));
    QCOMPARE(h.stats[1].nan, std::uint64_t(12));
    const Histogram empty = computeHistogram(image.channelView(1, 1), options);
    QCOMPARE(empty.edges[0], (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0})); // NumPy: no values, 0..1
}

void TestHistogram::sharedOrPerChannelRange()
{
    Image image = Image::create(3, 1, 2, DType::UInt8);
    for (int x = 0; x < 3; ++x) {
        image.at<std::uint8_t>(x, 0, 0) = std::uint8_t(10 + x);
        image.at<std::uint8_t>(x, 0, 1) = std::uint8_t(100 + 50 * x);
    }
    HistogramOptions options;
    options.bins = 2;
    const Histogram shared = computeHistogram(image, options);
    QCOMPARE(shared.edges[0], (std::vector<double>{10.0, 105.0, 200.0}));
    QCOMPARE(shared.edges[1], shared.edges[0]);
    QCOMPARE(shared.counts[0], (std::vector<std::uint64_t>{3, 0}));
    options.sharedRange = false;
    const Histogram own = computeHistogram(image, options);
    QCOMPARE(own.edges[0], (std::vector<double>{10.0, 11.0, 12.0}));
    QCOMPARE(own.edges[1], (std::vector<double>{100.0, 150.0, 200.0}));
    QCOMPARE(own.counts[1], (std::vector<std::uint64_t>{1, 2}));
}

void TestHistogram::pixelBudgetSamplesARegularGrid()
{
    // Value = index of the pixel, so the sampled positions can be read back.
    const int w = 1000, h = 700;
    Image image = Image::create(w, h, 1, DType::Float32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.at<float>(x, y, 0) = float(y * w + x);
    HistogramOptions options;
    options.pixelBudget = 5000;
    const Histogram s = computeHistogram(image, options);
    QVERIFY(s.sampled);
    QVERIFY(s.pixelsLooked <= options.pixelBudget);
    QVERIFY(s.pixelsLooked > options.pixelBudget / 2);
    QCOMPARE(s.stats[0].finite, std::uint64_t(s.pixelsLooked));
    // Cells of step x step, centres sampled: the first sample is (step/2, step/2).
    bool found = false;
    for (int k = 2; k < 100 && !found; ++k)
        found = s.stats[0].min == double((k / 2) * w + k / 2) &&
                std::size_t((w - k / 2 + k - 1) / k) * std::size_t((h - k / 2 + k - 1) / k) == s.pixelsLooked;
    QVERIFY2(found, qPrintable(QStringLiteral("min %1, looked %2").arg(s.stats[0].min).arg(s.pixelsLooked)));
    options.pixelBudget = std::size_t(w) * h; // at the budget: every pixel
    QVERIFY(!computeHistogram(image, options).sampled);
    QCOMPARE(computeStatistics(image, 5000)[0].finite, std::uint64_t(s.pixelsLooked));
}

void TestHistogram::cancelFlagStopsTheRun()
{
    const Image image = testsupport::makeTestImage(400, 300, 3, DType::Float32);
    std::atomic<bool> cancel{true};
    HistogramOptions options;
    options.cancel = &cancel;
    const Histogram h = computeHistogram(image, options);
    QVERIFY(h.cancelled);
    QVERIFY(computeStatistics(image, 0, &cancel).empty());
    cancel = false;
    const Histogram done = computeHistogram(image, options);
    QVERIFY(!done.cancelled);
    QCOMPARE(done.stats[0].finite, std::uint64_t(400 * 300));
}

void TestHistogram::badOptionsAreErrors()
{
    const Image image = Image::create(2, 2, 1, DType::UInt8);
    HistogramOptions options;
    options.bins = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeHistogram(image, options));
    options.bins = 4;
    options.range = std::make_pair(2.0, 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeHistogram(image, options));
    options.range = std::make_pair(0.0, double(INFINITY));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeHistogram(image, options));
    QVERIFY(computeHistogram(Image()).counts.empty());
}

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
