// runFilterOnRegion: a filter's result for one rectangle first, exact inside
// it when the margin covers the filter's reach; what it writes and when.
#include <QtTest>

#include <livepix/filtererror.h>
#include <livepix/filterregion.h>
#include <livepix/filterrun.h>

#include <future>
#include <thread>

#include "boxfilter.h"
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
    std::mutex commit;
    std::unique_lock<std::mutex> held(commit);
    FilterContext context;
    auto run = std::async(std::launch::async, [&] {
        runFilterOnRegion(box, source, target, {0, 0, 200, 100}, radius(2), context, 0, &commit);
    });
    QVERIFY(run.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout); // waits for the lock
    context.cancel();
    held.unlock();
    QVERIFY_THROWS_EXCEPTION(FilterCancelled, run.get());
    QVERIFY(samePixels(target, source));

    // Without the cancel the same run writes.
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

QTEST_APPLESS_MAIN(TestFilterRegion)
#include "tst_filterregion.moc"
