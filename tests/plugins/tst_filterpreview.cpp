// FilterPreview: the parameter dialog's preview computes the part on screen
// first, then the whole image; newer values win over older runs, even a run
// that ignores its cancel; stop puts the original back. A pointwise filter
// is drafted at screen resolution when zoomed out; a slow filter with
// lengths is drafted from a reduced image first, as coarse as its measured
// speed needs.
#include <QSignalSpy>
#include <QTest>

#include <livepix/filterregion.h>
#include <livepix/filterrun.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "boxfilter.h"
#include "pointfilter.h"
#include "testimages.h"
#include "pluginhost/filterpreview.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;
using testimages::samePixels;

namespace {
constexpr int Width = 600;
constexpr int Height = 400;
const QRect OnScreen(200, 150, 100, 80); // with its margin, well under half the image

ParamValues radius(int r, bool fail = false)
{
    ParamValues values;
    values.set("radius", std::int64_t(r));
    values.set("fail", fail);
    return values;
}

Image part(const Image &image, const QRect &r)
{
    return image.view(r.x(), r.y(), r.width(), r.height());
}

ParamValues amount(int a)
{
    ParamValues values;
    values.set("amount", std::int64_t(a));
    return values;
}

/// "Test Box" that also sleeps nsPerPixel for each pixel it gets (a filter
/// as slow as the test needs), records the widths it was run on, and
/// refuses images narrower than refuseBelow (as a filter may refuse the
/// reduced lengths of a draft). With `cheap` it adds the radius to every
/// component instead of the box's work, so its cost is the sleep whatever
/// the build: a sanitizer's slowdown cannot make it slow. Threading: any
/// thread.
class SlowBox : public testfilters::BoxFilter {
public:
    using BoxFilter::BoxFilter;
    std::atomic<int> nsPerPixel{0};
    std::atomic<int> refuseBelow{0};
    std::atomic<bool> cheap{false};

    /// What a cheap run does: adds r to each component, at most 255.
    static void addTo(const Image &image, int r)
    {
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width() * image.channels(); ++x)
                image.row(y)[x] = std::uint8_t(std::min(255, image.row(y)[x] + r));
    }

    /// What a cheap run gives: a copy of `image` with r added.
    static Image added(const Image &image, int r)
    {
        const Image result = image.copy();
        addTo(result, r);
        return result;
    }

    std::vector<int> widths() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_widths;
    }
    void apply(const Image &image, const ParamValues &values, FilterContext &context) const override
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_widths.push_back(image.width());
        }
        if (image.width() < refuseBelow)
            throw std::runtime_error("Slow Box refuses images this narrow");
        const std::int64_t pixels = std::int64_t(image.width()) * image.height();
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::int64_t(nsPerPixel) * pixels));
        if (!cheap) {
            BoxFilter::apply(image, values, context);
            return;
        }
        addTo(image, int(values.toInt("radius")));
    }

private:
    mutable std::mutex m_mutex;
    mutable std::vector<int> m_widths;
};

FilterTraits radiusIsALength()
{
    FilterTraits traits;
    traits.lengths = {"radius"};
    return traits;
}

/// `image` with the pixels of `region` taken from `from`.
Image patched(const Image &image, const Image &from, const QRect &region)
{
    const Image result = image.copy();
    part(result, region).copyPixelsFrom(part(from, region));
    return result;
}
} // namespace

class TestFilterPreview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void theRegionOnScreenFirstThenTheWholeImage();
    void newerValuesWinOverAnOlderPassThatIgnoresCancel();
    void withoutARegionOnePassInPlace();
    void panningDuringTheWholePassComputesTheNewPartFirst();
    void stopPutsTheOriginalBack();
    void aFailureIsReportedAndTheOriginalShown();
    void aPointwiseFilterIsDraftedAtScreenResolutionZoomedOut();
    void withoutThePointwiseTraitZoomedOutIsOnePass();
    void aPointwiseWholePassRunsInBands();
    void aFilterWithLengthsIsDraftedFromAReducedImageFirst();
    void aFilterWithLengthsAtFitIsDraftedThenRunWhole();
    void theDraftFollowsTheMeasuredSpeed();
    void aFailedDraftIsSkipped();
    void aLengthGrownSinceTheLastMeasureGetsADraftAtOnce();

private:
    /// The preview of a "Test Add" filter (pointwise) sharing the gate.
    std::shared_ptr<testfilters::AddFilter> previewAdd(bool declarePointwise)
    {
        auto add = std::make_shared<testfilters::AddFilter>(m_gate);
        m_preview = std::make_unique<FilterPreview>(add, m_image, m_before, m_viewer.get());
        FilterTraits traits;
        traits.pointwise = declarePointwise;
        m_preview->setTraits(traits);
        return add;
    }

    /// Shows `values` with the whole-image pass held at the gate; returns
    /// when the region is on screen and the whole pass waits.
    void showWithTheWholePassHeld(const ParamValues &values, QSignalSpy &shown, bool heedCancel = true)
    {
        m_gate->close(Width, heedCancel);
        const int before = shown.count();
        m_preview->show(values);
        QTRY_COMPARE(shown.count(), before + 1);
        QTRY_COMPARE(m_gate->waiting(), 1);
    }

    /// The preview of a SlowBox (lengths: radius) sharing the gate.
    std::shared_ptr<SlowBox> previewSlowBox()
    {
        auto box = std::make_shared<SlowBox>(m_gate);
        m_preview = std::make_unique<FilterPreview>(box, m_image, m_before, m_viewer.get());
        m_preview->setTraits(radiusIsALength());
        m_preview->setVisibleRegion([] { return OnScreen; });
        return box;
    }

    /// What runFilterDraft writes over `region` at `step` (Test Box, radius r).
    Image expectedDraft(int r, const QRect &region, int step, DraftFill fill = DraftFill::Blocks) const
    {
        const Image result = m_before.copy();
        FilterContext context;
        runFilterDraft(testfilters::BoxFilter(), m_before, result,
                       {region.x(), region.y(), region.width(), region.height()}, step, radius(r),
                       radiusIsALength(), context, nullptr, fill);
        return result;
    }

    Image expected(int r) const
    {
        const Image result = m_before.copy();
        FilterContext context;
        runFilter(testfilters::BoxFilter(), result, radius(r), context); // no gate

        return result;
    }

    std::unique_ptr<Viewer> m_viewer;
    std::shared_ptr<testfilters::Gate> m_gate;
    std::shared_ptr<testfilters::BoxFilter> m_filter;
    Image m_image;
    Image m_before;
    std::unique_ptr<FilterPreview> m_preview;
};

void TestFilterPreview::init()
{
    m_viewer = std::make_unique<Viewer>();
    m_gate = std::make_shared<testfilters::Gate>();
    m_filter = std::make_shared<testfilters::BoxFilter>(m_gate);
    m_image = testimages::pattern(Width, Height, 4, DType::UInt8);
    m_before = m_image.copy();
    m_preview = std::make_unique<FilterPreview>(m_filter, m_image, m_before, m_viewer.get());
    m_preview->setVisibleRegion([] { return OnScreen; });
}

void TestFilterPreview::cleanup()
{
    m_gate->open();
    m_preview.reset();
    m_viewer.reset();
}

void TestFilterPreview::theRegionOnScreenFirstThenTheWholeImage()
{
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_gate->close(Width, /*heedCancel=*/true); // hold the whole-image pass back
    m_preview->show(radius(3));
    QTRY_COMPARE(shown.count(), 1);
    // On screen: the whole run's result already. Elsewhere: the original.
    const Image want = expected(3);
    QVERIFY(samePixels(m_image, patched(m_before, want, OnScreen)));
    QVERIFY(!m_preview->isCurrent(radius(3)));
    QTRY_COMPARE(m_gate->waiting(), 1); // the whole image waits at the gate
    QCOMPARE(finished.count(), 0);

    m_gate->open();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(samePixels(m_image, want));
    QVERIFY(m_preview->isCurrent(radius(3)));
    QVERIFY(!m_preview->isRunning());
    QCOMPARE(m_preview->regionPasses(), 1);
    QCOMPARE(m_preview->wholePasses(), 1);

    // The same values again: nothing runs.
    m_preview->show(radius(3));
    QVERIFY(!m_preview->isRunning());
    QCOMPARE(m_preview->regionPasses() + m_preview->wholePasses(), 2);
}

void TestFilterPreview::newerValuesWinOverAnOlderPassThatIgnoresCancel()
{
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    showWithTheWholePassHeld(radius(1), shown, /*heedCancel=*/false); // like one long OpenCV call

    // New values while radius 1's whole pass is stuck: their region pass
    // runs beside it and reaches the screen.
    m_preview->show(radius(4));
    QTRY_COMPARE(shown.count(), 2);
    const Image want = expected(4);
    QVERIFY(samePixels(part(m_image, OnScreen), part(want, OnScreen)));
    QCOMPARE(m_gate->waiting(), 1); // radius 4's whole pass waits for the stuck one

    // Released, radius 1 finishes its filter but must not write; radius 4's
    // whole pass follows.
    m_gate->open();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(samePixels(m_image, want));
    QVERIFY(m_preview->isCurrent(radius(4)));
    QVERIFY(!m_preview->isCurrent(radius(1)));
    QCOMPARE(m_preview->regionPasses(), 2);
    QCOMPARE(m_preview->wholePasses(), 2);
}

void TestFilterPreview::withoutARegionOnePassInPlace()
{
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    // Most of the image on screen (as at fit): a first pass would save nothing.
    m_preview->setVisibleRegion([] { return QRect(20, 10, 560, 380); });
    m_preview->show(radius(2));
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(samePixels(m_image, expected(2)));
    QCOMPARE(shown.count(), 0);
    QCOMPARE(m_preview->regionPasses(), 0);
    QCOMPARE(m_preview->wholePasses(), 1);
    // No region known (no canvas): the same.
    m_preview->setVisibleRegion({});
    m_preview->show(radius(1));
    QTRY_COMPARE(finished.count(), 2);
    QVERIFY(samePixels(m_image, expected(1)));
    QCOMPARE(m_preview->regionPasses(), 0);
    QCOMPARE(m_preview->wholePasses(), 2);
}

void TestFilterPreview::panningDuringTheWholePassComputesTheNewPartFirst()
{
    QRect onScreen = OnScreen;
    m_preview->setVisibleRegion([&onScreen] { return onScreen; });
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    showWithTheWholePassHeld(radius(2), shown);
    // A paint with the view where it was starts nothing.
    m_preview->viewChanged();
    QCOMPARE(m_preview->regionPasses(), 1);
    // Panned to pixels the whole pass has not written: they come first.
    const QRect panned(420, 260, 100, 80);
    onScreen = panned;
    m_preview->viewChanged();
    QTRY_COMPARE(shown.count(), 2);
    const Image want = expected(2);
    QVERIFY(samePixels(part(m_image, panned), part(want, panned)));
    QVERIFY(samePixels(part(m_image, OnScreen), part(want, OnScreen)));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(m_gate->waiting(), 1); // the whole pass was not cancelled or restarted
    m_gate->open();
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(samePixels(m_image, want));
    QCOMPARE(m_preview->regionPasses(), 2);
    QCOMPARE(m_preview->wholePasses(), 1);
    // Once the whole image is done, moving the view runs nothing.
    onScreen = QRect(10, 10, 50, 50);
    m_preview->viewChanged();
    QVERIFY(!m_preview->isRunning());
    m_preview->setVisibleRegion({}); // it refers to a local
}

void TestFilterPreview::stopPutsTheOriginalBack()
{
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    // Stopped with only the region shown and the rest still running.
    showWithTheWholePassHeld(radius(2), shown);
    QVERIFY(!samePixels(m_image, m_before));
    m_preview->stop(/*restore=*/true);
    QVERIFY(!m_preview->isRunning());
    QVERIFY(samePixels(m_image, m_before));
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0); // a stopped run does not report
    // Stopped after a finished preview.
    m_gate->open();
    m_preview->show(radius(2));
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(samePixels(m_image, expected(2)));
    m_preview->stop(true);
    QVERIFY(samePixels(m_image, m_before));
    QVERIFY(!m_preview->isCurrent(radius(2)));
}

void TestFilterPreview::aFailureIsReportedAndTheOriginalShown()
{
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_preview->show(radius(2));
    QTRY_COMPARE(finished.count(), 1);
    m_preview->show(radius(2, /*fail=*/true));
    QTRY_COMPARE(finished.count(), 2);
    QCOMPARE(finished.at(1).at(0).toBool(), false);
    QCOMPARE(finished.at(1).at(1).toString(), QStringLiteral("Test Box was asked to fail"));
    // The older preview is gone: what is shown is the original.
    QVERIFY(samePixels(m_image, m_before));
    QVERIFY(!m_preview->isCurrent(radius(2, true)));
    // The same failing values again are tried again; new values work.
    m_preview->show(radius(2, true));
    QTRY_COMPARE(finished.count(), 3);
    m_preview->show(radius(1));
    QTRY_COMPARE(finished.count(), 4);
    QVERIFY(finished.at(3).at(0).toBool());
    QVERIFY(samePixels(m_image, expected(1)));
}

void TestFilterPreview::aPointwiseFilterIsDraftedAtScreenResolutionZoomedOut()
{
    const auto add = previewAdd(/*declarePointwise=*/true);
    // At fit: the whole image on screen, 3 image pixels to a screen pixel.
    FilterPreview::ScreenView view(QRect(0, 0, Width, Height), 3.0);
    m_preview->setVisibleRegion([&view] { return view; });
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_gate->close(Width, /*heedCancel=*/true); // hold the whole-image pass back
    m_preview->show(amount(9));
    QTRY_COMPARE(shown.count(), 1);
    QCOMPARE(m_preview->draftPasses(), 1);
    QCOMPARE(add->sizes().at(0), std::make_pair(200, 134)); // one pixel per screen pixel
    // Each 3x3 block holds its sample's result: the centre across (600 is
    // 200 blocks), the first row down (400 leaves one row in the last block).
    Image want = m_before.copy();
    FilterContext context;
    runFilter(testfilters::AddFilter(), want, amount(9), context);
    int wrong = 0;
    for (int y = 0; y < Height; ++y)
        for (int x = 0; x < Width; ++x)
            wrong += std::memcmp(m_image.pixel(x, y), want.pixel(x / 3 * 3 + 1, y / 3 * 3), 4) != 0;
    QCOMPARE(wrong, 0);
    QVERIFY(!samePixels(m_image, want)); // a draft, not the result
    QTRY_COMPARE(m_gate->waiting(), 1);
    QCOMPARE(finished.count(), 0);

    // Zoomed in to 1:1 while the whole pass waits: the part now on screen
    // is computed exactly, with no margin (the filter is pointwise).
    view = FilterPreview::ScreenView(OnScreen, 1.0);
    m_preview->viewChanged();
    QTRY_COMPARE(shown.count(), 2);
    QVERIFY(samePixels(part(m_image, OnScreen), part(want, OnScreen)));
    QCOMPARE(add->sizes().back(), std::make_pair(OnScreen.width(), OnScreen.height()));

    m_gate->open();
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(finished.at(0).at(0).toBool());
    QVERIFY(samePixels(m_image, want));
    QCOMPARE(m_preview->regionPasses(), 2);
    QCOMPARE(m_preview->draftPasses(), 1);
    QCOMPARE(m_preview->wholePasses(), 1);
    m_preview->setVisibleRegion({}); // it refers to a local
}

void TestFilterPreview::withoutThePointwiseTraitZoomedOutIsOnePass()
{
    // The same filter, not declared pointwise: nothing may stand in for the
    // pixels on screen at fit, so one pass in place, as before.
    const auto add = previewAdd(/*declarePointwise=*/false);
    m_preview->setVisibleRegion([] { return FilterPreview::ScreenView(QRect(0, 0, Width, Height), 3.0); });
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_preview->show(amount(9));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(m_preview->regionPasses(), 0);
    QCOMPARE(m_preview->draftPasses(), 0);
    QCOMPARE(m_preview->wholePasses(), 1);
    QCOMPARE(add->sizes().size(), std::size_t(1));
    QCOMPARE(add->sizes().at(0), std::make_pair(Width, Height));
}

void TestFilterPreview::aPointwiseWholePassRunsInBands()
{
    // 64 RGBA8 pixels a row: a band of PointwiseBandBytes is 8192 rows, so
    // this image is two full bands and a short one.
    constexpr int BandRows = int(FilterPreview::PointwiseBandBytes / (64 * 4));
    const Image image = testimages::pattern(64, 2 * BandRows + 100, 4, DType::UInt8);
    const Image before = image.copy();
    auto add = std::make_shared<testfilters::AddFilter>();
    FilterPreview preview(add, image, before, m_viewer.get());
    FilterTraits traits;
    traits.pointwise = true;
    preview.setTraits(traits);
    preview.setVisibleRegion([&image] { return FilterPreview::ScreenView(QRect(0, 0, 64, image.height()), 40.0); });
    QSignalSpy finished(&preview, &FilterPreview::finished);
    preview.show(amount(3));
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(finished.at(0).at(0).toBool());
    const Image want = before.copy();
    FilterContext context;
    runFilter(testfilters::AddFilter(), want, amount(3), context);
    QVERIFY(samePixels(image, want));
    // The draft (one pixel in 40 x 40), then three bands, no whole-image run.
    const std::vector<std::pair<int, int>> sizes = add->sizes();
    QCOMPARE(sizes.size(), std::size_t(4));
    QCOMPARE(sizes[0], std::make_pair(2, (image.height() + 39) / 40));
    QCOMPARE(sizes[1], std::make_pair(64, BandRows));
    QCOMPARE(sizes[2], std::make_pair(64, BandRows));
    QCOMPARE(sizes[3], std::make_pair(64, 100));
    // Stopped, the bands are taken back like any preview.
    preview.stop(/*restore=*/true);
    QVERIFY(samePixels(image, before));
}

void TestFilterPreview::aFilterWithLengthsIsDraftedFromAReducedImageFirst()
{
    // Nothing measured yet: the first values get a draft at every other
    // pixel (1:1 here), then the exact part on screen, then the whole.
    const auto box = previewSlowBox();
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_gate->close(300, /*heedCancel=*/true); // hold the exact passes back
    m_preview->show(radius(4));
    QTRY_COMPARE(shown.count(), 1);
    // The draft, at step 2: the region with 64 blocks of margin each side
    // where the image has them (72..428, 356 wide, 178 blocks). Its blocks
    // are 2 screen pixels (1:1), so they are interpolated, not filled.
    QCOMPARE(box->widths().at(0), 178);
    QCOMPARE(m_preview->draftPasses(), 1);
    const Image draft = expectedDraft(4, OnScreen, 2, DraftFill::Smooth);
    QVERIFY(samePixels(m_image, draft));
    QVERIFY(!samePixels(draft, expectedDraft(4, OnScreen, 2))); // the fills differ
    QTRY_COMPARE(m_gate->waiting(), 1);
    m_gate->open();
    QTRY_COMPARE(shown.count(), 2); // the exact part
    const Image want = expected(4);
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(finished.at(0).at(0).toBool());
    QVERIFY(samePixels(m_image, want));
    QCOMPARE(m_preview->regionPasses(), 2);
    QCOMPARE(m_preview->wholePasses(), 1);
}

void TestFilterPreview::aFilterWithLengthsAtFitIsDraftedThenRunWhole()
{
    // At fit, 3 image pixels to a screen pixel: the draft is at step 3 over
    // the whole image, and what it shows is runFilterDraft's result; then
    // the whole image (no exact part first: it is all on screen).
    const auto box = previewSlowBox();
    const QRect all(0, 0, Width, Height);
    m_preview->setVisibleRegion([all] { return FilterPreview::ScreenView(all, 3.0); });
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_gate->close(Width, /*heedCancel=*/true);
    m_preview->show(radius(6));
    QTRY_COMPARE(shown.count(), 1);
    QCOMPARE(box->widths().at(0), Width / 3);
    QVERIFY(samePixels(m_image, expectedDraft(6, all, 3)));
    const Image want = expected(6);
    QVERIFY(!samePixels(m_image, want)); // a draft, not the result
    QTRY_COMPARE(m_gate->waiting(), 1);
    m_gate->open();
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(samePixels(m_image, want));
    QCOMPARE(m_preview->draftPasses(), 1);
    QCOMPARE(m_preview->regionPasses(), 1);
    QCOMPARE(m_preview->wholePasses(), 1);
}

void TestFilterPreview::theDraftFollowsTheMeasuredSpeed()
{
    // 2 us a pixel: the exact part on screen (356 x 336 with its margin)
    // takes 240 ms and more, so each change gets a draft first; the first
    // draft (step 2, 30k pixels) took 60 ms and more, twice the budget, so
    // the next one is coarser.
    const auto box = previewSlowBox();
    box->cheap = true;
    box->nsPerPixel = 2000;
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_preview->show(radius(4));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 20000);
    QCOMPARE(m_preview->draftPasses(), 1);
    const std::size_t runs = box->widths().size();
    m_preview->show(radius(5));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, 20000);
    QCOMPARE(m_preview->draftPasses(), 2);
    const int second = box->widths().at(runs);
    QVERIFY2(second < 178, qPrintable(QString::number(second))); // coarser than step 2
    QVERIFY(samePixels(m_image, SlowBox::added(m_before, 5)));

    // Fast again, and a fifth of the radius: counted a fifth of the slow
    // cost, so no draft; timed fast, the next change (twice the radius)
    // gets none either.
    box->nsPerPixel = 0;
    m_preview->show(radius(1));
    QTRY_COMPARE(finished.count(), 3);
    const int drafts = m_preview->draftPasses();
    m_preview->show(radius(2));
    QTRY_COMPARE(finished.count(), 4);
    QCOMPARE(m_preview->draftPasses(), drafts);
    QVERIFY(samePixels(m_image, SlowBox::added(m_before, 2)));
}

void TestFilterPreview::aFailedDraftIsSkipped()
{
    // The filter refuses the reduced image (narrower than 200 pixels): the
    // draft fails quietly and the exact passes follow as without it.
    const auto box = previewSlowBox();
    box->refuseBelow = 200;
    QSignalSpy shown(m_preview.get(), &FilterPreview::regionShown);
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_preview->show(radius(3));
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QCOMPARE(m_preview->draftPasses(), 1);
    QCOMPARE(shown.count(), 1); // the exact part only
    QCOMPARE(box->widths().at(0), 178);
    QVERIFY(samePixels(m_image, expected(3)));
}

void TestFilterPreview::aLengthGrownSinceTheLastMeasureGetsADraftAtOnce()
{
    // 200 ns a pixel at least: the exact part on screen (120k pixels) takes
    // 24 ms and more at the measured radius, under DraftAboveMs.
    const auto box = previewSlowBox();
    box->cheap = true;
    box->nsPerPixel = 200;
    QSignalSpy finished(m_preview.get(), &FilterPreview::finished);
    m_preview->show(radius(2)); // nothing measured: a draft
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(m_preview->draftPasses(), 1);
    // Halved: half the cost at most, no draft.
    m_preview->show(radius(1));
    QTRY_COMPARE(finished.count(), 2);
    QCOMPARE(m_preview->draftPasses(), 1);
    // Eight times the radius: counted 8 times the cost (190 ms and more),
    // so a draft comes first, before any pass at the new radius is timed.
    m_preview->show(radius(8));
    QTRY_COMPARE(finished.count(), 3);
    QCOMPARE(m_preview->draftPasses(), 2);
    QVERIFY(samePixels(m_image, SlowBox::added(m_before, 8)));
}

QTEST_MAIN(TestFilterPreview)
#include "tst_filterpreview.moc"
