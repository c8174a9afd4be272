// HistogramDock: its data equals computeHistogram, it samples above the
// budget and says so, follows channels and the difference mode, recomputes
// (rate-limited) when pixels change, and its handles set the levels.
#include <QtTest>

#include <random>

#include <livepix/comparison.h>
#include <livepix/histogram.h>
#include <livepix/image.h>

#include "viewer/comparecontroller.h"
#include "viewer/document.h"
#include "viewer/viewer.h"
#include "widgets/histogramdock.h"
#include "widgets/histogramplot.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

Image randomImage(int w, int h, int channels, DType type, unsigned seed)
{
    Image image = Image::create(w, h, channels, type);
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> value(-3.0f, 5.0f);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c) {
                if (type == DType::Float32)
                    image.at<float>(x, y, c) = value(random);
                else
                    image.at<std::uint8_t>(x, y, c) = std::uint8_t(random() % 256);
            }
    return image;
}

void compareHistograms(const Histogram &got, const Histogram &want)
{
    QCOMPARE(got.bins, want.bins);
    QCOMPARE(got.counts, want.counts);
    QCOMPARE(got.edges, want.edges);
    QCOMPARE(got.stats.size(), want.stats.size());
    for (std::size_t c = 0; c < want.stats.size(); ++c) {
        QCOMPARE(got.stats[c].min, want.stats[c].min);
        QCOMPARE(got.stats[c].max, want.stats[c].max);
        QCOMPARE(got.stats[c].mean, want.stats[c].mean);
        QCOMPARE(got.stats[c].nan, want.stats[c].nan);
    }
}

} // namespace

class TestHistogramDock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void dataEqualsComputeHistogram();
    void statsShowNanAndInf();
    void sampledAboveTheBudgetAndSaysSo();
    void followsTheShownChannel();
    void followsTheDifferenceMode();
    void recomputesAtMostTenTimesASecond();
    void draggingAHandleSetsLinkedLevels();
    void draggingAHandleSetsOneChannelWhenNotLinked();

private:
    Viewer *m_viewer = nullptr;
    HistogramDock *m_dock = nullptr;
};

void TestHistogramDock::init()
{
    m_viewer = new Viewer;
    m_dock = new HistogramDock(m_viewer);
    m_dock->resize(360, 300);
    m_dock->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dock));
}

void TestHistogramDock::cleanup()
{
    delete m_dock;
    delete m_viewer;
}

void TestHistogramDock::dataEqualsComputeHistogram()
{
    const Image image = randomImage(64, 48, 4, DType::Float32, 1);
    m_viewer->show(image, QStringLiteral("random"));
    QTRY_VERIFY(m_dock->data().has_value());
    HistogramOptions options;
    options.bins = HistogramDock::Bins;
    compareHistograms(m_dock->data()->histogram, computeHistogram(image, options));
    QVERIFY(!m_dock->data()->histogram.sampled);
    QVERIFY(!m_dock->noteText().contains(QStringLiteral("sampled")));
    // Overlaid colour channels: R, G, B (alpha is not a colour channel).
    QCOMPARE(m_dock->plot()->channels().size(), std::size_t(3));
}

void TestHistogramDock::statsShowNanAndInf()
{
    Image image = Image::create(8, 8, 1, DType::Float32);
    image.at<float>(1, 1, 0) = std::numeric_limits<float>::quiet_NaN();
    image.at<float>(2, 1, 0) = std::numeric_limits<float>::infinity();
    image.at<float>(3, 1, 0) = 2.5f;
    m_viewer->show(image, QStringLiteral("nan"));
    QTRY_VERIFY(m_dock->data().has_value());
    const ChannelStats &st = m_dock->data()->histogram.stats[0];
    QCOMPARE(st.nan, std::uint64_t(1));
    QCOMPARE(st.posInf, std::uint64_t(1));
    QCOMPARE(st.max, 2.5);
    const QString text = m_dock->statsText();
    QVERIFY2(text.contains(QStringLiteral("<td>2.5</td><td>1</td><td>1</td>")), qPrintable(text));
}

void TestHistogramDock::sampledAboveTheBudgetAndSaysSo()
{
    m_dock->setPixelBudget(1000);
    const Image image = randomImage(200, 100, 3, DType::UInt8, 2);
    m_viewer->show(image, QStringLiteral("big"));
    QTRY_VERIFY(m_dock->data().has_value());
    QVERIFY(m_dock->data()->histogram.sampled);
    QVERIFY(m_dock->data()->histogram.pixelsLooked < 20000);
    QVERIFY2(m_dock->noteText().contains(QStringLiteral("sampled")), qPrintable(m_dock->noteText()));
    m_dock->setPixelBudget(0);
    QTRY_VERIFY(!m_dock->data()->histogram.sampled);
    QVERIFY(m_dock->noteText().isEmpty());
}

void TestHistogramDock::followsTheShownChannel()
{
    Document *d = m_viewer->show(randomImage(16, 16, 3, DType::UInt8, 3), QStringLiteral("rgb"));
    QTRY_VERIFY(m_dock->data().has_value());
    DisplaySettings s = d->displaySettings();
    s.channel = 1;
    d->setDisplaySettings(s);
    QCOMPARE(m_dock->plot()->channels().size(), std::size_t(1));
    QCOMPARE(m_dock->plot()->channels()[0].index, 1);
    QCOMPARE(m_dock->plot()->channels()[0].counts, m_dock->data()->histogram.counts[1]);
}

void TestHistogramDock::followsTheDifferenceMode()
{
    const Image ia = randomImage(40, 30, 3, DType::Float32, 4);
    const Image ib = randomImage(40, 30, 3, DType::Float32, 5);
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    QTRY_VERIFY(m_dock->data().has_value());
    QVERIFY(!m_dock->data()->difference);
    QVERIFY(CompareController::forViewer(m_viewer)->start(a, b, CompareMode::Absolute));
    QTRY_VERIFY(m_dock->data() && m_dock->data()->difference);
    HistogramOptions options;
    options.bins = HistogramDock::Bins;
    compareHistograms(m_dock->data()->histogram,
                      computeHistogram(differenceImage(ia, ib, DifferenceMode::Absolute), options));
    // The handles are the difference's levels (the controller's defaults: 0..max).
    QCOMPARE(m_dock->plot()->channels()[0].levels.lo, 0.0);
    QCOMPARE(m_dock->plot()->channels()[0].levels.hi, a->displaySettings().levels[0].hi);
}

void TestHistogramDock::recomputesAtMostTenTimesASecond()
{
    const Image image = randomImage(64, 64, 1, DType::Float32, 6);
    m_viewer->show(image, QStringLiteral("stream"));
    QTRY_VERIFY(m_dock->data().has_value());
    const int before = m_dock->computations();
    // A stream of edits for 0.6 s, announced as a running script does.
    QElapsedTimer clock;
    clock.start();
    int edits = 0;
    while (clock.elapsed() < 600) {
        image.at<float>(0, 0, 0) = float(100 + edits++);
        m_viewer->pixelsMayHaveChanged();
        QTest::qWait(5);
    }
    QTRY_COMPARE(m_dock->data()->histogram.stats[0].max, double(100 + edits - 1));
    const int computed = m_dock->computations() - before;
    qInfo("%d edits, %d recomputations", edits, computed);
    QVERIFY(computed >= 3);  // it kept up while the edits ran...
    QVERIFY(computed <= 9);  // ... at most about every 100 ms
}

void TestHistogramDock::draggingAHandleSetsLinkedLevels()
{
    Document *d = m_viewer->show(randomImage(32, 32, 4, DType::UInt8, 7), QStringLiteral("rgba"));
    QTRY_VERIFY(m_dock->data().has_value());
    HistogramPlot *plot = m_dock->plot();
    // No levels set yet: the handles sit at the type's full range.
    QCOMPARE(plot->channels()[0].levels, (LevelRange{0.0, 255.0}));
    const int y = int(plot->height() - 6);
    const QPoint from(int(std::round(plot->valueToX(255.0))), y);
    const QPoint to(int(std::round(plot->valueToX(128.0))), y);
    QTest::mousePress(plot, Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(plot, to);
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::NoModifier, to);
    const std::vector<LevelRange> &levels = d->displaySettings().levels;
    QCOMPARE(levels.size(), std::size_t(4));
    const double perPixel = plot->xToValue(1.0) - plot->xToValue(0.0);
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(levels[c].lo, 0.0);
        QVERIFY2(std::abs(levels[c].hi - 128.0) <= perPixel, qPrintable(QString::number(levels[c].hi)));
    }
    QCOMPARE(levels[3], (LevelRange{0.0, 255.0})); // alpha untouched
}

void TestHistogramDock::draggingAHandleSetsOneChannelWhenNotLinked()
{
    Document *d = m_viewer->show(randomImage(32, 32, 3, DType::UInt8, 8), QStringLiteral("rgb"));
    DisplaySettings s = d->displaySettings();
    s.levelsLinked = false;
    s.levels = {{0, 255}, {0, 255}, {0, 255}};
    d->setDisplaySettings(s);
    m_dock->setStacked(true);
    QTRY_VERIFY(m_dock->data().has_value());
    HistogramPlot *plot = m_dock->plot();
    const QRectF green = plot->bandRect(1);
    const int y = int(green.center().y());
    const QPoint from(int(std::round(plot->valueToX(0.0))), y);
    const QPoint to(int(std::round(plot->valueToX(60.0))), y);
    QTest::mousePress(plot, Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(plot, to);
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::NoModifier, to);
    const std::vector<LevelRange> &levels = d->displaySettings().levels;
    QCOMPARE(levels[0], (LevelRange{0.0, 255.0}));
    QVERIFY2(std::abs(levels[1].lo - 60.0) <= 2.0, qPrintable(QString::number(levels[1].lo)));
    QCOMPARE(levels[2], (LevelRange{0.0, 255.0}));
}

QTEST_MAIN(TestHistogramDock)
#include "tst_histogramdock.moc"
