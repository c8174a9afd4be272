// Compare modes on the canvas and the CompareController: split wipe, blink,
// difference images (equal to an independent computation), their default
// levels, metrics, different sizes, and closing the reference.
#include <QtTest>

#include <cmath>
#include <random>

#include <livepix/colormap.h>
#include <livepix/image.h>

#include "display/autolevelsfollower.h"
#include "viewer/canvas.h"
#include "viewer/comparecontroller.h"
#include "viewer/comparemode.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

Q_DECLARE_METATYPE(livepix::gui::CompareMode)
Q_DECLARE_METATYPE(livepix::DType)

namespace {

Image filled(int w, int h, int channels, DType type, const std::function<double(int, int, int)> &value)
{
    Image image = Image::create(w, h, channels, type);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c) {
                const double v = value(x, y, c);
                if (type == DType::UInt8)
                    image.at<std::uint8_t>(x, y, c) = std::uint8_t(v);
                else
                    image.at<float>(x, y, c) = float(v);
            }
    return image;
}

Image solid(int w, int h, QColor colour)
{
    return filled(w, h, 3, DType::UInt8, [colour](int, int, int c) {
        return c == 0 ? colour.red() : c == 1 ? colour.green() : colour.blue();
    });
}

/// The difference the documentation promises, computed here in double.
double expectedDifference(CompareMode mode, double a, double b)
{
    switch (mode) {
    case CompareMode::Absolute: return std::abs(a - b);
    case CompareMode::Squared: return (a - b) * (a - b);
    case CompareMode::Relative: return std::abs(a - b) / std::max(std::abs(b), 1e-3);
    default: return a - b;
    }
}

QRgb colourAt(QWidget *widget, int x, int y) { return widget->grab().toImage().pixel(x, y) | 0xff000000u; }

} // namespace

class TestCompare : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void splitShowsALeftAndBRight();
    void dividerDragsOnTheCanvas();
    void blinkTogglesWithB();
    void differenceEqualsIndependentComputation_data();
    void differenceEqualsIndependentComputation();
    void signedDifferenceDefaultsToSymmetricDivergingLevels();
    void userLevelsStayAndAreRestoredAfterwards();
    void differenceShownThroughLevels();
    void autoLevelsFitTheShownDifference_data();
    void autoLevelsFitTheShownDifference();
    void autoWhileEditingFollowsTheDifference();
    void metricsAreComputedAndFollowEdits();
    void differentSizesCompareTheOverlap();
    void closingTheReferenceEndsTheComparison();
    void badReferencesAreRefused();

private:
    CompareController *controller() const { return CompareController::forViewer(m_viewer); }

    Viewer *m_viewer = nullptr;
    Canvas *m_canvas = nullptr;
};

void TestCompare::init()
{
    m_viewer = new Viewer;
    m_canvas = new Canvas(m_viewer);
    m_canvas->resize(200, 100);
    m_canvas->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
}

void TestCompare::cleanup()
{
    delete m_canvas;
    delete m_viewer;
}

void TestCompare::splitShowsALeftAndBRight()
{
    Document *b = m_viewer->show(solid(100, 50, Qt::green), QStringLiteral("B"));
    Document *a = m_viewer->show(solid(100, 50, Qt::red), QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Split));
    QCOMPARE(m_canvas->splitDividerX(), 100.0);
    // Fit: the 100x50 image fills the 200x100 canvas at scale 2.
    QCOMPARE(colourAt(m_canvas, 50, 50), qRgb(255, 0, 0));
    QCOMPARE(colourAt(m_canvas, 95, 20), qRgb(255, 0, 0));
    QCOMPARE(colourAt(m_canvas, 105, 20), qRgb(0, 255, 0));
    QCOMPARE(colourAt(m_canvas, 150, 80), qRgb(0, 255, 0));
    // The divider is drawn over the view (white line).
    QCOMPARE(colourAt(m_canvas, 100, 10), qRgb(255, 255, 255));
}

void TestCompare::dividerDragsOnTheCanvas()
{
    Document *b = m_viewer->show(solid(100, 50, Qt::green), QStringLiteral("B"));
    Document *a = m_viewer->show(solid(100, 50, Qt::red), QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Split));
    QTest::mousePress(m_canvas, Qt::LeftButton, Qt::NoModifier, QPoint(101, 30));
    QTest::mouseMove(m_canvas, QPoint(70, 30));
    QTest::mouseMove(m_canvas, QPoint(40, 30));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, Qt::NoModifier, QPoint(40, 30));
    QCOMPARE(a->displaySettings().splitPosition, 0.2);
    QCOMPARE(colourAt(m_canvas, 30, 20), qRgb(255, 0, 0));
    QCOMPARE(colourAt(m_canvas, 60, 20), qRgb(0, 255, 0));
    // A drag away from the divider still pans (the view left fit mode).
    QVERIFY(m_viewer->fitToWindow());
    QTest::mousePress(m_canvas, Qt::LeftButton, Qt::NoModifier, QPoint(150, 30));
    QTest::mouseMove(m_canvas, QPoint(140, 30));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, Qt::NoModifier, QPoint(140, 30));
    QCOMPARE(a->displaySettings().splitPosition, 0.2);
    QVERIFY(!m_viewer->fitToWindow());
}

void TestCompare::blinkTogglesWithB()
{
    Document *b = m_viewer->show(solid(100, 50, Qt::green), QStringLiteral("B"));
    Document *a = m_viewer->show(solid(100, 50, Qt::red), QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Blink));
    QCOMPARE(colourAt(m_canvas, 100, 50), qRgb(255, 0, 0));
    QTest::keyClick(m_canvas, Qt::Key_B);
    QVERIFY(a->displaySettings().blinkShowsReference);
    QCOMPARE(colourAt(m_canvas, 100, 50), qRgb(0, 255, 0));
    QTest::keyClick(m_canvas, Qt::Key_B);
    QCOMPARE(colourAt(m_canvas, 100, 50), qRgb(255, 0, 0));
    // Space is not taken (it browses folders).
    QTest::keyClick(m_canvas, Qt::Key_Space);
    QVERIFY(!a->displaySettings().blinkShowsReference);
}

void TestCompare::differenceEqualsIndependentComputation_data()
{
    QTest::addColumn<CompareMode>("mode");
    QTest::addColumn<DType>("type");
    for (CompareMode mode : {CompareMode::Difference, CompareMode::Absolute, CompareMode::Squared,
                             CompareMode::Relative})
        for (DType type : {DType::UInt8, DType::Float32})
            QTest::addRow("%s %s", qPrintable(compareModeName(mode)), dtypeName(type)) << mode << type;
}

void TestCompare::differenceEqualsIndependentComputation()
{
    QFETCH(CompareMode, mode);
    QFETCH(DType, type);
    std::mt19937 random(7);
    std::uniform_real_distribution<double> value(type == DType::UInt8 ? 0.0 : -2.0, type == DType::UInt8 ? 255.0 : 2.0);
    auto draw = [&](int, int, int) { return type == DType::UInt8 ? std::floor(value(random)) : value(random); };
    // RGBA: the difference has the three colour channels.
    const Image ia = filled(40, 30, 4, type, draw);
    const Image ib = filled(40, 30, 4, type, draw);
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    m_viewer->setZoom(1.0); // every pixel visible at 1:1: the canvas differences them all
    QVERIFY(controller()->start(a, b, mode));
    m_canvas->grab();
    const int before = m_canvas->differenceCache().computations();
    QVERIFY(before >= 1);
    m_canvas->grab(); // nothing changed: no new difference
    QCOMPARE(m_canvas->differenceCache().computations(), before);

    // The canvas's own difference (what it drew) against the formula.
    const DifferenceCache::Result shown = m_canvas->differenceCache().last();
    QCOMPARE(shown.region, QRect(0, 0, 40, 30));
    QCOMPARE(shown.step, 1);
    QCOMPARE(shown.image.channels(), 3);
    QCOMPARE(shown.image.dtype(), DType::Float32);
    QCOMPARE(shown.image.width(), 40);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x)
            for (int c = 0; c < 3; ++c) {
                const double want = expectedDifference(mode, ia.valueAt(x, y, c), ib.valueAt(x, y, c));
                const double got = shown.image.at<float>(x, y, c);
                if (std::abs(got - want) > 1e-6 * std::max(1.0, std::abs(want)))
                    QFAIL(qPrintable(QStringLiteral("(%1,%2,%3): %4, expected %5").arg(x).arg(y).arg(c).arg(got).arg(want)));
            }
}

void TestCompare::signedDifferenceDefaultsToSymmetricDivergingLevels()
{
    const Image ia = filled(20, 10, 1, DType::Float32, [](int x, int, int) { return x < 10 ? 0.5 : 0.0; });
    const Image ib = filled(20, 10, 1, DType::Float32, [](int, int, int) { return 0.25; });
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    DisplaySettings own = a->displaySettings();
    own.levels = {{0.0, 2.0}};
    own.colormap = QStringLiteral("viridis");
    a->setDisplaySettings(own);

    QVERIFY(controller()->start(a, b, CompareMode::Difference));
    // max |a - b| is 0.25: levels -0.25..0.25, the diverging colormap.
    QCOMPARE(a->displaySettings().levels.size(), std::size_t(1));
    QCOMPARE(a->displaySettings().levels[0], (LevelRange{-0.25, 0.25}));
    const Colormap *map = findColormap(a->displaySettings().colormap.toStdString());
    QVERIFY(map && map->diverging);

    QVERIFY(controller()->start(a, b, CompareMode::Squared));
    QCOMPARE(a->displaySettings().levels[0], (LevelRange{0.0, 0.0625}));
    QCOMPARE(a->displaySettings().colormap, QStringLiteral("viridis"));

    // Defaults follow the data live.
    ia.at<float>(0, 0, 0) = 1.25; // |1.25 - 0.25| = 1
    m_viewer->pixelsMayHaveChanged();
    QTRY_COMPARE(a->displaySettings().levels[0], (LevelRange{0.0, 1.0}));

    controller()->end(a);
    QCOMPARE(a->displaySettings().levels[0], (LevelRange{0.0, 2.0}));
    QCOMPARE(a->displaySettings().colormap, QStringLiteral("viridis"));
    QCOMPARE(a->displaySettings().compareMode, CompareMode::None);
}

void TestCompare::userLevelsStayAndAreRestoredAfterwards()
{
    const Image ia = filled(20, 10, 1, DType::Float32, [](int, int, int) { return 0.5; });
    const Image ib = filled(20, 10, 1, DType::Float32, [](int, int, int) { return 0.25; });
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    const std::vector<LevelRange> own = a->displaySettings().levels;
    QVERIFY(controller()->start(a, b, CompareMode::Absolute));
    QCOMPARE(a->displaySettings().levels[0], (LevelRange{0.0, 0.25}));
    DisplaySettings mine = a->displaySettings();
    mine.levels = {{0.0, 10.0}};
    a->setDisplaySettings(mine);
    ia.at<float>(0, 0, 0) = 5.0;
    m_viewer->pixelsMayHaveChanged();
    const int computed = controller()->metricsComputations();
    QTRY_VERIFY(controller()->metricsComputations() > computed);
    QCOMPARE(a->displaySettings().levels[0], (LevelRange{0.0, 10.0})); // the user's, not refitted
    controller()->end(a);
    QCOMPARE(a->displaySettings().levels, own); // as before comparing
}

void TestCompare::differenceShownThroughLevels()
{
    // Absolute difference 100 under levels 0..200 and no colormap: mid grey.
    const Image ia = filled(100, 50, 1, DType::UInt8, [](int x, int, int) { return x < 50 ? 100 : 200; });
    const Image ib = filled(100, 50, 1, DType::UInt8, [](int, int, int) { return 100; });
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Absolute));
    DisplaySettings s = a->displaySettings();
    s.levels = {{0.0, 200.0}};
    s.colormap.clear();
    a->setDisplaySettings(s);
    const QColor left(colourAt(m_canvas, 40, 50));
    const QColor right(colourAt(m_canvas, 160, 50));
    QCOMPARE(left, QColor(0, 0, 0));
    QVERIFY2(std::abs(right.red() - 128) <= 1 && right.red() == right.green() && right.green() == right.blue(),
             qPrintable(right.name()));

    // Signed with its defaults (-100..100, diverging map): 0 maps to the
    // middle entry, +100 to the top one.
    QVERIFY(controller()->start(a, b, CompareMode::Difference));
    const Colormap *map = findColormap(a->displaySettings().colormap.toStdString());
    QVERIFY(map);
    const QRgb top = qRgb(map->rgb[255][0], map->rgb[255][1], map->rgb[255][2]);
    QCOMPARE(colourAt(m_canvas, 160, 50), top);
    const QColor mid(colourAt(m_canvas, 40, 50));
    bool nearMiddle = false;
    for (int i = 126; i <= 129; ++i)
        nearMiddle = nearMiddle || mid == QColor(map->rgb[i][0], map->rgb[i][1], map->rgb[i][2]);
    QVERIFY2(nearMiddle, qPrintable(mid.name()));
}

void TestCompare::autoLevelsFitTheShownDifference_data()
{
    QTest::addColumn<CompareMode>("mode");
    for (CompareMode mode : {CompareMode::Difference, CompareMode::Absolute, CompareMode::Squared,
                             CompareMode::Relative})
        QTest::addRow("%s", qPrintable(compareModeName(mode))) << mode;
}

void TestCompare::autoLevelsFitTheShownDifference()
{
    QFETCH(CompareMode, mode);
    // A's values lie in 10..16 and its alpha is 100; a - b runs from -0.5 to
    // 0.45, so levels fitted to A itself would be far from the difference's.
    auto base = [](int x, int, int c) { return c == 3 ? 100.0 : 10.0 + 0.25 * x + c; };
    auto delta = [](int x, int y, int) { return -0.5 + 0.05 * ((x + y) % 20); };
    const Image ia = filled(20, 10, 4, DType::Float32, base);
    const Image ib = filled(20, 10, 4, DType::Float32, [&](int x, int y, int c) {
        return c == 3 ? 100.0 : base(x, y, c) - delta(x, y, c);
    });
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, mode));
    double lo = INFINITY, hi = -INFINITY; // of the colour channels of the float32 difference
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 20; ++x)
            for (int c = 0; c < 3; ++c) {
                const double d = float(expectedDifference(mode, ia.valueAt(x, y, c), ib.valueAt(x, y, c)));
                lo = std::min(lo, d);
                hi = std::max(hi, d);
            }

    m_viewer->autoLevels(AutoLevelsOptions{}); // what L, the dock's button and viewer.auto_levels() call
    const std::vector<LevelRange> levels = a->displaySettings().levels;
    QVERIFY(!levels.empty());
    for (const LevelRange &range : levels) {
        QVERIFY2(std::abs(range.lo - lo) <= 1e-6 * std::max(1.0, std::abs(lo)) &&
                     std::abs(range.hi - hi) <= 1e-6 * std::max(1.0, std::abs(hi)),
                 qPrintable(QStringLiteral("levels %1..%2, difference %3..%4")
                                .arg(range.lo).arg(range.hi).arg(lo).arg(hi)));
    }
}

void TestCompare::autoWhileEditingFollowsTheDifference()
{
    const Image ia = filled(20, 10, 3, DType::Float32, [](int x, int, int) { return 50.0 + x; });
    const Image ib = filled(20, 10, 3, DType::Float32, [](int x, int, int) { return 50.0 + x - 0.125; });
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Absolute));
    DisplaySettings s = a->displaySettings();
    s.autoWhileEditing = true;
    a->setDisplaySettings(s);
    // |a - b| is 0.125 everywhere but one pixel, edited to differ by 2 and then 4.
    const int fits = m_viewer->autoLevelsFollower()->fits();
    ia.at<float>(3, 4, 1) = float(ib.valueAt(3, 4, 1) + 2.0);
    m_viewer->pixelsMayHaveChanged();
    QTRY_VERIFY(m_viewer->autoLevelsFollower()->fits() > fits);
    QTRY_COMPARE(a->displaySettings().levels.front(), (LevelRange{0.125, 2.0}));
    ia.at<float>(3, 4, 1) = float(ib.valueAt(3, 4, 1) + 4.0);
    m_viewer->pixelsMayHaveChanged();
    QTRY_COMPARE(a->displaySettings().levels.front(), (LevelRange{0.125, 4.0}));
}

void TestCompare::metricsAreComputedAndFollowEdits()
{
    const Image ia = filled(30, 20, 3, DType::UInt8, [](int x, int y, int c) { return (x * 7 + y * 3 + c) % 256; });
    const Image ib = ia.copy();
    Document *b = m_viewer->show(ib, QStringLiteral("B"));
    Document *a = m_viewer->show(ia, QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Split));
    QTRY_VERIFY(controller()->metricsCurrent());
    QCOMPARE(controller()->metrics()->mse, 0.0);
    QCOMPARE(controller()->metrics()->differing, std::uint64_t(0));
    QVERIFY(std::isinf(controller()->metrics()->psnr));

    // Edit B (the reference) as a script would; only the usual path follows.
    ib.at<std::uint8_t>(3, 4, 1) = std::uint8_t(ia.at<std::uint8_t>(3, 4, 1) + 10);
    ib.at<std::uint8_t>(5, 6, 0) = std::uint8_t(ia.at<std::uint8_t>(5, 6, 0) - 4);
    m_viewer->pixelsMayHaveChanged();
    QTRY_VERIFY(controller()->metricsCurrent());
    const CompareMetrics m = *controller()->metrics();
    const double mse = (100.0 + 16.0) / (30.0 * 20.0 * 3.0);
    QCOMPARE(m.mse, mse);
    QCOMPARE(m.maxAbs, 10.0);
    QCOMPARE(m.differing, std::uint64_t(2));
    QCOMPARE(m.psnr, 10.0 * std::log10(255.0 * 255.0 / mse));
    QVERIFY2(controller()->metricsText().contains(QStringLiteral("2 differing")), qPrintable(controller()->metricsText()));
}

void TestCompare::differentSizesCompareTheOverlap()
{
    Document *b = m_viewer->show(solid(60, 50, Qt::green), QStringLiteral("B"));
    Document *a = m_viewer->show(solid(100, 40, Qt::red), QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Absolute));
    QTRY_VERIFY(controller()->metricsCurrent());
    const CompareMetrics m = *controller()->metrics();
    QVERIFY(m.sizesDiffer);
    QCOMPARE(m.overlapWidth, 60);
    QCOMPARE(m.overlapHeight, 40);
    QVERIFY(controller()->metricsText().contains(QStringLiteral("overlap 60×40")));
    // Outside the overlap the view shows the background, not stale pixels.
    const QPointF outside = m_canvas->imageToWidget(QPointF(80, 20));
    QCOMPARE(colourAt(m_canvas, int(outside.x()), int(outside.y())), Canvas::background().rgb());
}

void TestCompare::closingTheReferenceEndsTheComparison()
{
    Document *b = m_viewer->show(solid(100, 50, Qt::green), QStringLiteral("B"));
    Document *a = m_viewer->show(solid(100, 50, Qt::red), QStringLiteral("A"));
    QVERIFY(controller()->start(a, b, CompareMode::Difference));
    QSignalSpy ended(controller(), &CompareController::comparisonChanged);
    QVERIFY(m_viewer->close(b));
    QCOMPARE(ended.count(), 1);
    QCOMPARE(a->displaySettings().compareMode, CompareMode::None);
    QVERIFY(!controller()->referenceOf(a));
    QVERIFY(controller()->metricsText().isEmpty());
    QCOMPARE(colourAt(m_canvas, 100, 50), qRgb(255, 0, 0)); // A alone again
}

void TestCompare::badReferencesAreRefused()
{
    Document *a = m_viewer->show(solid(10, 10, Qt::red), QStringLiteral("A"));
    QString error;
    QVERIFY(!controller()->start(a, a, CompareMode::Split, &error));
    QVERIFY2(error.contains(QStringLiteral("itself")), qPrintable(error));
    QVERIFY(!controller()->start(a, nullptr, CompareMode::Split, &error));
    QVERIFY2(error.contains(QStringLiteral("not open")), qPrintable(error));
    QCOMPARE(a->displaySettings().compareMode, CompareMode::None);
}

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
