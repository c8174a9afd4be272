// runFilterOnRegion: a filter's result for one rectangle first, exact inside
// it when the margin covers the filter's reach; what it writes and when.
// runFilterDraft: a pointwise filter's result at one pixel per block, and
// a filter with lengths run on block means with its lengths reduced.
#include <QtTest>

#include <livepix/filtererror.h>
#include <livepix/filterregion.h>
#include <livepix/filterrun.h>

#include <cmath>
#include <cstring>
#include <tuple>
#include <functional>
#include <future>
#include <thread>

#include "boxfilter.h"
#include "pointfilter.h"
#include "testsupport.h"

using namespace livepix;

namespace {
/// RGBA8 pixels of every value (testsupport's deterministic noise).
Image noise(int width, int height, unsigned seed = 1)
{
    return testsupport::makeTestImage(width, height, 4, DType::UInt8, seed);
}

ParamValues radius(int r)
{
    ParamValues values;
    values.set("radius", std::int64_t(r));
    return values;
}

/// The whole-image run's result.
Image filtered(const Filter &filter, const Image &source, const ParamValues &values)
{
    const Image result = source.copy();
    FilterContext context;
    runFilter(filter, result, values, context);
    return result;
}

bool samePixels(const Image &a, const Image &b)
{
    return testsupport::pixelDifference(a, b).isEmpty();
}

Image part(const Image &image, const PixelRect &r)
{
    return image.view(r.x, r.y, r.width, r.height);
}

ParamValues amount(int a)
{
    ParamValues values;
    values.set("amount", std::int64_t(a));
    return values;
}

/// "Keep": a filter with a length ("sigma") that leaves the pixels as they
/// are, so a draft shows the block means and how they fill the region.
class KeepFilter : public Filter {
public:
    std::string name() const override { return "Keep"; }
    std::vector<FilterParam> params() const override { return {FilterParam::makeFloat("sigma", "", 0, 10, 1)}; }
    std::vector<DType> dtypes() const override { return {DType::UInt8, DType::UInt16, DType::Float16, DType::Float32}; }
    void apply(const Image &, const ParamValues &, FilterContext &) const override {}

    static FilterTraits traits()
    {
        FilterTraits t;
        t.lengths = {"sigma"};
        return t;
    }
    static ParamValues values()
    {
        ParamValues v;
        v.set("sigma", 2.0);
        return v;
    }
};

FilterTraits pointwiseTraits()
{
    FilterTraits traits;
    traits.pointwise = true;
    return traits;
}

FilterTraits radiusIsALength()
{
    FilterTraits traits;
    traits.lengths = {"radius"};
    return traits;
}

/// `image` (uint8) reduced step times: each step x step block from (x0, y0)
/// to its mean, rounded to nearest; blocks cut by the image's edge average
/// what they hold. Written out pixel by pixel, as the definition reads.
Image meansOf(const Image &image, int x0, int y0, int step)
{
    const int w = (image.width() - x0 + step - 1) / step, h = (image.height() - y0 + step - 1) / step;
    const Image small = Image::create(w, h, image.channels(), DType::UInt8);
    for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i)
            for (int c = 0; c < image.channels(); ++c) {
                int sum = 0, count = 0;
                for (int y = y0 + j * step; y < std::min(y0 + (j + 1) * step, image.height()); ++y)
                    for (int x = x0 + i * step; x < std::min(x0 + (i + 1) * step, image.width()); ++x, ++count)
                        sum += image.pixel(x, y)[c];
                small.pixel(i, j)[c] = std::uint8_t((sum + count / 2) / count);
            }
    return small;
}

/// One component as a float, and setting one, whatever the dtype.
float component(const Image &image, int x, int y, int c)
{
    const std::uint8_t *p = image.pixel(x, y) + std::size_t(c) * image.componentSize();
    switch (image.dtype()) {
    case DType::UInt8: return *p;
    case DType::UInt16: return float(*reinterpret_cast<const std::uint16_t *>(p));
    case DType::Float16: return float(*reinterpret_cast<const float16 *>(p));
    case DType::Float32: break;
    }
    return *reinterpret_cast<const float *>(p);
}

void setComponent(const Image &image, int x, int y, int c, float value)
{
    std::uint8_t *p = image.pixel(x, y) + std::size_t(c) * image.componentSize();
    switch (image.dtype()) {
    case DType::UInt8: *p = std::uint8_t(value); return;
    case DType::UInt16: *reinterpret_cast<std::uint16_t *>(p) = std::uint16_t(value); return;
    case DType::Float16: *reinterpret_cast<float16 *>(p) = float16(value); return;
    case DType::Float32: break;
    }
    *reinterpret_cast<float *>(p) = value;
}

bool samePixel(const Image &a, int ax, int ay, const Image &b, int bx, int by)
{
    const std::size_t bytes = std::size_t(a.channels()) * a.componentSize();
    return std::memcmp(a.pixel(ax, ay), b.pixel(bx, by), bytes) == 0;
}

/// Where a draft's block (i, j) of `region` at `step` differs from
/// `expected` at the pixel (sampleX, sampleY) of the block: every pixel of
/// the block, cut to the region, must hold that one value. Returns a
/// message, empty when the block is right.
QString blockMismatch(const Image &draft, const Image &expected, PixelRect region, int step, int i, int j,
                      int sampleX, int sampleY)
{
    const int left = region.x + i * step, top = region.y + j * step;
    const int right = std::min(left + step, region.x + region.width);
    const int bottom = std::min(top + step, region.y + region.height);
    for (int y = top; y < bottom; ++y)
        for (int x = left; x < right; ++x)
            if (!samePixel(draft, x, y, expected, sampleX, sampleY))
                return QStringLiteral("block (%1, %2): pixel (%3, %4) is not the result at (%5, %6)")
                    .arg(i).arg(j).arg(x).arg(y).arg(sampleX).arg(sampleY);
    return {};
}
/// Starts `run` on another thread with the commit lock held (as by a newer
/// run), cancels it once it waits there, and checks that it then throws
/// FilterCancelled.
void cancelWhileWaitingForTheCommit(const std::function<void(FilterContext &, std::mutex *)> &run)
{
    std::mutex commit;
    std::unique_lock<std::mutex> held(commit);
    FilterContext context;
    auto running = std::async(std::launch::async, [&] { run(context, &commit); });
    // Still running after 200 ms: it waits for the lock. (Checked after the
    // unlock, so a failure cannot leave the run waiting forever.)
    const bool waited = running.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout;
    context.cancel();
    held.unlock();
    QVERIFY_THROWS_EXCEPTION(FilterCancelled, running.get());
    QVERIFY2(waited, "the run did not wait for the commit lock");
}
} // namespace

class TestFilterRegion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void grownWithinClipsToTheImage();
    void insideTheRegionItIsTheWholeRunsResult();
    void aMarginShorterThanTheReachIsNotExact();
    void writesOnlyTheRegionOfTheTarget();
    void aCancelAtTheCommitWritesNothing();
    void aFailingFilterWritesNothing();
    void badArgumentsAreRefused();
    void aDraftFillsEachBlockWithItsCentresResult();
    void aDraftAtTheImageEdgeSamplesInsideIt();
    void aDraftOfStepOneIsTheRegionWithNoMargin();
    void aDraftWritesIntoAChannelView();
    void aCancelledDraftWritesNothing();
    void badDraftStepsAreRefused();
    void aDraftWithLengthsFiltersTheBlockMeans();
    void aDraftWithLengthsHasAMarginOfWholeBlocks();
    void blockMeansOfEveryDtype();
    void aSmoothDraftInterpolatesBetweenBlockCentres();
    void draftValuesReduceTheLengths();
    void aFilterWithNeitherTraitHasNoDraft();
    void lengthsMustNameNumberParameters();
};

void TestFilterRegion::grownWithinClipsToTheImage()
{
    QCOMPARE(PixelRect({10, 20, 30, 40}).grownWithin(5, 100, 100), PixelRect({5, 15, 40, 50}));
    QCOMPARE(PixelRect({2, 3, 30, 40}).grownWithin(5, 100, 100), PixelRect({0, 0, 37, 48}));
    QCOMPARE(PixelRect({90, 80, 30, 40}).grownWithin(5, 100, 100), PixelRect({85, 75, 15, 25}));
    QCOMPARE(PixelRect({-50, -50, 20, 20}).grownWithin(0, 100, 100), PixelRect());
    QVERIFY(PixelRect({0, 0, 0, 5}).grownWithin(10, 100, 100).isEmpty());
    QCOMPARE(PixelRect({0, 0, 100, 100}).area(), 10000LL);
}

void TestFilterRegion::insideTheRegionItIsTheWholeRunsResult()
{
    const testfilters::BoxFilter box;
    const Image source = noise(300, 200);
    const Image expected = filtered(box, source, radius(3));
    // In the middle, and at a corner where the region meets the image's edge.
    for (const PixelRect region : {PixelRect{120, 70, 50, 40}, PixelRect{0, 150, 40, 50}}) {
        const Image target = source.copy();
        FilterContext context;
        runFilterOnRegion(box, source, target, region, radius(3), context, /*margin=*/3);
        QVERIFY(samePixels(part(target, region), part(expected, region)));
    }
}

void TestFilterRegion::aMarginShorterThanTheReachIsNotExact()
{
    // The margin is what makes the region exact: one pixel short of the
    // radius, the region's border rows differ.
    const testfilters::BoxFilter box;
    const Image source = noise(300, 200);
    const Image expected = filtered(box, source, radius(3));
    const PixelRect region{120, 70, 50, 40};
    const Image target = source.copy();
    FilterContext context;
    runFilterOnRegion(box, source, target, region, radius(3), context, /*margin=*/2);
    QVERIFY(!samePixels(part(target, region), part(expected, region)));
    QVERIFY(samePixels(part(target, {121, 71, 48, 38}), part(expected, {121, 71, 48, 38})));
}

void TestFilterRegion::writesOnlyTheRegionOfTheTarget()
{
    const testfilters::BoxFilter box;
    const Image source = noise(300, 200);
    const Image original = source.copy();
    const Image expected = filtered(box, source, radius(2));
    const PixelRect region{100, 50, 60, 30};
    // Into another image: the source keeps its pixels.
    const Image target = noise(300, 200, 7);
    const Image targetBefore = target.copy();
    const std::uint64_t revision = target.revision();
    FilterContext context;
    runFilterOnRegion(box, source, target, region, radius(2), context);
    QVERIFY(samePixels(source, original));
    QVERIFY(samePixels(part(target, region), part(expected, region)));
    QVERIFY(target.revision() > revision); // caches see the change
    const Image restored = target.copy();
    part(restored, region).copyPixelsFrom(part(targetBefore, region));
    QVERIFY(samePixels(restored, targetBefore)); // nothing outside the region moved
    // Into the source itself: the region changes, the rest does not.
    runFilterOnRegion(box, source, source, region, radius(2), context);
    QVERIFY(samePixels(part(source, region), part(expected, region)));
    part(source, region).copyPixelsFrom(part(original, region));
    QVERIFY(samePixels(source, original));
    // The whole image as the region, no margin: the whole run's result.
    const Image whole = source.copy();
    runFilterOnRegion(box, source, whole, {0, 0, 300, 200}, radius(2), context, 0);
    QVERIFY(samePixels(whole, expected));
}

void TestFilterRegion::aCancelAtTheCommitWritesNothing()
{
    // The run has finished its filter and waits for the commit lock (held
    // by a newer run); cancelled meanwhile, it must not write.
    const testfilters::BoxFilter box;
    const Image source = noise(200, 100);
    const Image target = source.copy();
    cancelWhileWaitingForTheCommit([&](FilterContext &context, std::mutex *commit) {
        runFilterOnRegion(box, source, target, {0, 0, 200, 100}, radius(2), context, 0, commit);
    });
    if (QTest::currentTestFailed())
        return;
    QVERIFY(samePixels(target, source));

    // Without the cancel the same run writes.
    std::mutex commit;
    FilterContext second;
    runFilterOnRegion(box, source, target, {0, 0, 200, 100}, radius(2), second, 0, &commit);
    QVERIFY(samePixels(target, filtered(box, source, radius(2))));
}

void TestFilterRegion::aFailingFilterWritesNothing()
{
    const testfilters::BoxFilter box;
    const Image source = noise(120, 80);
    const Image target = noise(120, 80, 3);
    const Image targetBefore = target.copy();
    ParamValues values = radius(1);
    values.set("fail", true);
    FilterContext context;
    try {
        runFilterOnRegion(box, source, target, {10, 10, 30, 30}, values, context);
        QFAIL("the filter's exception did not reach the caller");
    } catch (const std::runtime_error &e) {
        QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("Test Box was asked to fail"));
    }
    QVERIFY(samePixels(target, targetBefore));
}

void TestFilterRegion::badArgumentsAreRefused()
{
    const testfilters::BoxFilter box;
    const Image source = noise(50, 40);
    FilterContext context;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             runFilterOnRegion(box, source, noise(40, 50), {0, 0, 10, 10}, radius(1), context));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             runFilterOnRegion(box, source, source, {0, 0, 10, 10}, radius(1), context, -1));
    QVERIFY_THROWS_EXCEPTION(FilterError, runFilterOnRegion(box, Image(), source, {0, 0, 10, 10}, radius(1), context));
    // A region outside the image, or empty, writes nothing and is no error.
    const Image before = source.copy();
    runFilterOnRegion(box, source, source, {60, 0, 10, 10}, radius(1), context);
    runFilterOnRegion(box, source, source, {5, 5, 0, 10}, radius(1), context);
    QVERIFY(samePixels(source, before));
    // An unsupported dtype is runFilter()'s refusal, with the filter's name.
    const Image floats = Image::create(20, 20, 1, DType::Float32);
    try {
        runFilterOnRegion(box, floats, floats, {0, 0, 5, 5}, radius(1), context);
        QFAIL("a float32 image was not refused");
    } catch (const FilterError &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("Test Box does not support float32"), e.what());
    }
}

void TestFilterRegion::aDraftFillsEachBlockWithItsCentresResult()
{
    const testfilters::AddFilter add;
    const Image source = noise(100, 70);
    const Image original = source.copy();
    const Image expected = filtered(testfilters::AddFilter(), source, amount(7)); // not counted in add.sizes()
    // 50 x 40 is 16 2/3 x 13 1/3 blocks of 3: the last column and row are cut.
    const PixelRect region{10, 5, 50, 40};
    const Image target = noise(100, 70, 9);
    const Image targetBefore = target.copy();
    const std::uint64_t revision = target.revision();
    FilterContext context;
    runFilterDraft(add, source, target, region, 3, amount(7), pointwiseTraits(), context);
    // The filter saw one pixel per block: 1/9 of the work.
    QCOMPARE(add.sizes().size(), std::size_t(1));
    QCOMPARE(add.sizes()[0], std::make_pair(17, 14));
    for (int j = 0; j < 14; ++j)
        for (int i = 0; i < 17; ++i) {
            const QString wrong = blockMismatch(target, expected, region, 3, i, j, region.x + 3 * i + 1,
                                                region.y + 3 * j + 1);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
    QVERIFY(target.revision() > revision);
    QVERIFY(samePixels(source, original));
    const Image rest = target.copy();
    part(rest, region).copyPixelsFrom(part(targetBefore, region));
    QVERIFY(samePixels(rest, targetBefore)); // nothing outside the region moved
}

void TestFilterRegion::aDraftAtTheImageEdgeSamplesInsideIt()
{
    // The whole image, 100 x 70 at step 3: the last row of blocks holds one
    // image row, so every sample moves up to its block's first row (and the
    // columns, 34 blocks with one pixel in the last, to their first column).
    const testfilters::AddFilter add;
    const Image source = noise(100, 70);
    const Image expected = filtered(testfilters::AddFilter(), source, amount(200)); // not counted in add.sizes()
    const PixelRect whole{0, 0, 100, 70};
    const Image target = source.copy();
    FilterContext context;
    runFilterDraft(add, source, target, whole, 3, amount(200), pointwiseTraits(), context);
    QCOMPARE(add.sizes()[0], std::make_pair(34, 24));
    for (int j = 0; j < 24; ++j)
        for (int i = 0; i < 34; ++i) {
            const QString wrong = blockMismatch(target, expected, whole, 3, i, j, 3 * i, 3 * j);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
    // In place (target is source) at step 4, 100 = 25 x 4: samples at
    // the centres across, the first row down (70 = 17 x 4 + 2, and
    // 68 + 2 is past the last row).
    const Image inPlace = source.copy();
    runFilterDraft(add, inPlace, inPlace, whole, 4, amount(200), pointwiseTraits(), context);
    for (int j = 0; j < 18; ++j)
        for (int i = 0; i < 25; ++i) {
            const QString wrong = blockMismatch(inPlace, expected, whole, 4, i, j, 4 * i + 2, 4 * j + 1);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
}

void TestFilterRegion::aDraftOfStepOneIsTheRegionWithNoMargin()
{
    const testfilters::AddFilter add;
    const Image source = noise(80, 60);
    const PixelRect region{20, 10, 30, 25};
    const Image viaDraft = source.copy();
    const Image viaRegion = source.copy();
    FilterContext context;
    runFilterDraft(add, source, viaDraft, region, 1, amount(5), pointwiseTraits(), context);
    runFilterOnRegion(add, source, viaRegion, region, amount(5), context, 0);
    QVERIFY(samePixels(viaDraft, viaRegion));
    QVERIFY(!samePixels(viaDraft, source));
    QCOMPARE(add.sizes()[0], std::make_pair(30, 25)); // no margin around it
}

void TestFilterRegion::aDraftWritesIntoAChannelView()
{
    // RGB views of RGBA images: pixels 3 bytes, 4 apart. Alpha is not the
    // view's and stays as it was.
    const testfilters::AddFilter add;
    const Image sourceRgba = noise(40, 30);
    const Image targetRgba = noise(40, 30, 5);
    const Image targetBefore = targetRgba.copy();
    const Image source = sourceRgba.channelView(0, 3);
    const Image target = targetRgba.channelView(0, 3);
    const Image expected = filtered(testfilters::AddFilter(), source, amount(3)); // not counted in add.sizes()
    const PixelRect region{4, 2, 20, 20};
    FilterContext context;
    runFilterDraft(add, source, target, region, 2, amount(3), pointwiseTraits(), context);
    for (int j = 0; j < 10; ++j)
        for (int i = 0; i < 10; ++i) {
            const QString wrong = blockMismatch(target, expected, region, 2, i, j, 4 + 2 * i + 1, 2 + 2 * j + 1);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
    QVERIFY(samePixels(targetRgba.channelView(3, 1), targetBefore.channelView(3, 1)));
}

void TestFilterRegion::aCancelledDraftWritesNothing()
{
    const testfilters::AddFilter add;
    const Image source = noise(90, 60);
    const Image target = source.copy();
    cancelWhileWaitingForTheCommit([&](FilterContext &context, std::mutex *commit) {
        runFilterDraft(add, source, target, {0, 0, 90, 60}, 3, amount(1), pointwiseTraits(), context, commit);
    });
    if (QTest::currentTestFailed())
        return;
    QVERIFY(samePixels(target, source));
}

void TestFilterRegion::badDraftStepsAreRefused()
{
    const testfilters::AddFilter add;
    const Image source = noise(30, 20);
    FilterContext context;
    try {
        runFilterDraft(add, source, source, {0, 0, 10, 10}, 0, amount(1), pointwiseTraits(), context);
        QFAIL("step 0 was not refused");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("step 0 is below 1"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             runFilterDraft(add, source, noise(20, 30), {0, 0, 10, 10}, 2, amount(1),
                                            pointwiseTraits(), context));
    // Outside the image: nothing to do, no error.
    const Image before = source.copy();
    runFilterDraft(add, source, source, {40, 0, 10, 10}, 2, amount(1), pointwiseTraits(), context);
    QVERIFY(samePixels(source, before));
    QVERIFY(add.sizes().empty());
}

void TestFilterRegion::aDraftWithLengthsFiltersTheBlockMeans()
{
    // The whole 100 x 70 image at step 3 with radius 6: Test Box runs with
    // radius 2 on the 34 x 24 block means, and each result fills its block.
    const testfilters::BoxFilter box;
    const Image source = noise(100, 70);
    const Image original = source.copy();
    const Image expected = filtered(box, meansOf(source, 0, 0, 3), radius(2));
    const Image target = noise(100, 70, 4);
    const std::uint64_t revision = target.revision();
    FilterContext context;
    runFilterDraft(box, source, target, {0, 0, 100, 70}, 3, radius(6), radiusIsALength(), context);
    for (int j = 0; j < 24; ++j)
        for (int i = 0; i < 34; ++i) {
            const QString wrong = blockMismatch(target, expected, {0, 0, 100, 70}, 3, i, j, i, j);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
    QVERIFY(target.revision() > revision);
    QVERIFY(samePixels(source, original));
    // It looks like the real result: within a few levels of it on average
    // (Test Box with radius 6 on the full image; noise blurred that much is
    // nearly flat, so this would hold for any blur: the exact check above
    // is what pins the draft down).
    const Image real = filtered(box, source, radius(6));
    double total = 0;
    for (int y = 0; y < 70; ++y)
        for (int x = 0; x < 100; ++x)
            for (int c = 0; c < 4; ++c)
                total += std::abs(int(target.pixel(x, y)[c]) - int(real.pixel(x, y)[c]));
    QVERIFY2(total / (100 * 70 * 4) < 4.0, qPrintable(QString::number(total / (100 * 70 * 4))));
}

void TestFilterRegion::aDraftWithLengthsHasAMarginOfWholeBlocks()
{
    // A region in the middle of a 600 x 500 image at step 4: DefaultRegionMargin
    // (128) is 32 blocks, and the region starts at (300, 260) = 75 and 65 blocks
    // in, so the reduced image starts 32 blocks before it on both axes. A
    // filter with a reach (radius 2 after reduction) sees the margin: the
    // draft equals the whole reduced image's result there.
    const testfilters::BoxFilter box;
    const Image source = noise(600, 500);
    const PixelRect region{300, 260, 90, 50}; // 22.5 x 12.5 blocks
    const Image reducedResult = filtered(box, meansOf(source, 0, 0, 4), radius(2));
    const Image target = source.copy();
    FilterContext context;
    runFilterDraft(box, source, target, region, 4, radius(8), radiusIsALength(), context);
    for (int j = 0; j < 13; ++j)
        for (int i = 0; i < 23; ++i) {
            const QString wrong = blockMismatch(target, reducedResult, region, 4, i, j, 75 + i, 65 + j);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
    // Outside the region nothing moved.
    const Image rest = target.copy();
    part(rest, region).copyPixelsFrom(part(source, region));
    QVERIFY(samePixels(rest, source));
    // Without the margin the blocks at the region's edge would differ from
    // the whole reduced image's result (the box would clamp at the cut).
    const Image cutResult = filtered(box, meansOf(part(source, region).copy(), 0, 0, 4), radius(2));
    QVERIFY(!samePixel(cutResult, 0, 0, reducedResult, 75, 65));
}

void TestFilterRegion::blockMeansOfEveryDtype()
{
    // Through a draft: a filter with lengths that leaves the pixels as they
    // are shows the block means themselves. 2 x 2 blocks of one channel.
    const KeepFilter keep;
    const FilterTraits traits = KeepFilter::traits();
    const ParamValues values = KeepFilter::values();
    const float pixels[3][3] = {{0, 1, 10}, {2, 4, 20}, {100, 200, 7}};
    // Blocks: {0,1,2,4} = 7/4; {10,20} = 15; {100,200} = 150; {7}.
    const float means[2][2] = {{1.75f, 15.f}, {150.f, 7.f}};
    for (DType type : {DType::UInt8, DType::UInt16, DType::Float16, DType::Float32}) {
        const Image source = Image::create(3, 3, 1, type);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x)
                setComponent(source, x, y, 0, pixels[y][x]);
        const Image target = Image::create(3, 3, 1, type);
        FilterContext context;
        runFilterDraft(keep, source, target, {0, 0, 3, 3}, 2, values, traits, context);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x) {
                const float mean = means[y / 2][x / 2];
                // Integers round to nearest: 1.75 -> 2.
                const float want = isFloat(type) ? mean : std::floor(mean + 0.5f);
                QCOMPARE(float(component(target, x, y, 0)), want);
            }
    }
}

void TestFilterRegion::aSmoothDraftInterpolatesBetweenBlockCentres()
{
    // A float ramp (each pixel its x) at step 4: the block means are the
    // centres' x (4 i + 1.5), and interpolating between them gives back x
    // wherever there is a centre on both sides; past the outermost ones
    // the nearest holds. Blocks instead repeat each mean 4 times.
    const KeepFilter keep;
    const Image source = Image::create(40, 6, 1, DType::Float32);
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 40; ++x)
            setComponent(source, x, y, 0, float(x));
    FilterContext context;
    const Image smooth = Image::create(40, 6, 1, DType::Float32);
    runFilterDraft(keep, source, smooth, {0, 0, 40, 6}, 4, KeepFilter::values(), KeepFilter::traits(), context,
                   nullptr, DraftFill::Smooth);
    const Image blocks = Image::create(40, 6, 1, DType::Float32);
    runFilterDraft(keep, source, blocks, {0, 0, 40, 6}, 4, KeepFilter::values(), KeepFilter::traits(), context);
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 40; ++x) {
            const float want = std::clamp(float(x), 1.5f, 37.5f);
            QCOMPARE(component(smooth, x, y, 0), want);
            QCOMPARE(component(blocks, x, y, 0), float(x / 4 * 4) + 1.5f);
        }
    // A region inside the image: its margin's blocks give centres beyond
    // its edges, so the ramp is exact up to them; nothing outside moves.
    const Image inside = Image::create(40, 6, 1, DType::Float32);
    runFilterDraft(keep, source, inside, {8, 2, 24, 3}, 4, KeepFilter::values(), KeepFilter::traits(), context,
                   nullptr, DraftFill::Smooth);
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 40; ++x) {
            const bool in = x >= 8 && x < 32 && y >= 2 && y < 5;
            QCOMPARE(component(inside, x, y, 0), in ? float(x) : 0.f);
        }
}

void TestFilterRegion::draftValuesReduceTheLengths()
{
    class Lengths : public Filter {
    public:
        std::string name() const override { return "Lengths"; }
        std::vector<FilterParam> params() const override
        {
            return {FilterParam::makeFloat("sigma", "", 0.3, 50, 2), FilterParam::makeInt("size", "", 3, 31, 3),
                    FilterParam::makeInt("any", "", 0, 100, 8), FilterParam::makeFloat("gain", "", 0, 10, 1)};
        }
        std::vector<DType> dtypes() const override { return {DType::UInt8}; }
        void apply(const Image &, const ParamValues &, FilterContext &) const override {}
    };
    const Lengths filter;
    FilterTraits traits;
    traits.lengths = {"sigma", "size", "any"};
    using Lengths3 = std::tuple<double, std::int64_t, std::int64_t>;
    auto reduced = [&](double sigma, std::int64_t size, std::int64_t any, int step) -> Lengths3 {
        ParamValues values;
        values.set("sigma", sigma);
        values.set("size", size);
        values.set("any", any);
        values.set("gain", 2.5);
        const ParamValues out = draftValues(filter, values, traits, step);
        if (out.toDouble("gain") != 2.5) // not a length
            return {};
        return std::make_tuple(out.toDouble("sigma"), out.toInt("size"), out.toInt("any"));
    };
    // Divided; odd sizes stay odd, even ones even (the nearest such).
    QCOMPARE(reduced(20.0, 15, 8, 3), std::make_tuple(20.0 / 3, std::int64_t(5), std::int64_t(2)));
    QCOMPARE(reduced(20.0, 17, 9, 3), std::make_tuple(20.0 / 3, std::int64_t(5), std::int64_t(3)));
    QCOMPARE(reduced(5.0, 5, 10, 2), std::make_tuple(2.5, std::int64_t(3), std::int64_t(6)));
    // Kept in range: sigma 0.3 at least, size 3 at least.
    QCOMPARE(reduced(2.0, 3, 0, 8), std::make_tuple(0.3, std::int64_t(3), std::int64_t(0)));
    // Step 1 changes nothing; a length not given takes its default (sigma 2).
    QCOMPARE(reduced(7.0, 9, 4, 1), std::make_tuple(7.0, std::int64_t(9), std::int64_t(4)));
    QCOMPARE(draftValues(filter, ParamValues(), traits, 2).toDouble("sigma"), 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, draftValues(filter, ParamValues(), traits, 0));
}

void TestFilterRegion::aFilterWithNeitherTraitHasNoDraft()
{
    const testfilters::BoxFilter box;
    const Image source = noise(40, 30);
    const Image before = source.copy();
    FilterContext context;
    try {
        runFilterDraft(box, source, source, {0, 0, 40, 30}, 2, radius(2), FilterTraits(), context);
        QFAIL("a draft of a filter with neither trait was not refused");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("Test Box is neither pointwise nor declares lengths"),
                 e.what());
    }
    QVERIFY(samePixels(source, before));
}

void TestFilterRegion::lengthsMustNameNumberParameters()
{
    const testfilters::BoxFilter box;
    FilterTraits traits;
    traits.lengths = {"radius"};
    checkTraits(box, traits); // fine
    for (const auto &[name, reason] : {std::make_pair("sigma", "no int or float parameter of that name"),
                                       std::make_pair("fail", "no int or float parameter of that name")}) {
        traits.lengths = {name};
        try {
            checkTraits(box, traits);
            QFAIL(qPrintable(QStringLiteral("the length \"%1\" was not refused").arg(name)));
        } catch (const std::invalid_argument &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains("Test Box") && message.contains(name) && message.contains(reason), e.what());
        }
    }
    traits.lengths = {"radius", "radius"};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkTraits(box, traits));
}

QTEST_APPLESS_MAIN(TestFilterRegion)
#include "tst_filterregion.moc"
