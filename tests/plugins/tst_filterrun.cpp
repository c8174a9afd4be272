// runFilter: all-or-nothing runs (exception, cancel), refusals, parameters.
#include <QTest>

#include <livepix/filtererror.h>
#include <livepix/filterrun.h>

#include <atomic>
#include <thread>

#include "testimages.h"

using namespace livepix;

namespace {
const std::vector<DType> allTypes = {DType::UInt8, DType::UInt16, DType::Float16, DType::Float32};

/// Writes zeros into the first `rows` rows, then throws.
class DamageThenThrow : public Filter {
public:
    std::string name() const override { return "DamageThenThrow"; }
    std::vector<DType> dtypes() const override { return allTypes; }
    void apply(const Image &image, const ParamValues &, FilterContext &) const override
    {
        for (int y = 0; y < image.height() / 2; ++y)
            std::fill_n(image.row(y), image.width() * image.channels() * image.componentSize(), std::uint8_t(0));
        throw std::runtime_error("broken on purpose");
    }
};

/// Clears rows until cancelled; signals when it has started.
class ClearUntilCancelled : public Filter {
public:
    mutable std::atomic<bool> started{false};
    std::string name() const override { return "ClearUntilCancelled"; }
    std::vector<DType> dtypes() const override { return {DType::UInt8}; }
    void apply(const Image &image, const ParamValues &, FilterContext &context) const override
    {
        for (int y = 0;; y = (y + 1) % image.height()) {
            std::fill_n(image.row(y), image.width() * image.channels(), std::uint8_t(0));
            started = true;
            if (context.isCancelled())
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
};

class AddValue : public Filter {
public:
    std::string name() const override { return "AddValue"; }
    std::vector<FilterParam> params() const override { return {FilterParam::makeInt("value", "Value", 0, 100, 1)}; }
    std::vector<DType> dtypes() const override { return {DType::UInt8}; }
    void apply(const Image &image, const ParamValues &values, FilterContext &) const override
    {
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                image.at<std::uint8_t>(x, y, 0) += std::uint8_t(values.toInt("value"));
    }
};
/// Records what FilterContext::original() showed, then overwrites the image.
class LookAtOriginal : public Filter {
public:
    mutable const std::uint8_t *originalData = nullptr;
    mutable bool originalMatched = false;
    std::string name() const override { return "LookAtOriginal"; }
    std::vector<DType> dtypes() const override { return {DType::UInt8}; }
    void apply(const Image &image, const ParamValues &, FilterContext &context) const override
    {
        const Image *original = context.original();
        originalData = original ? original->data() : nullptr;
        originalMatched = original && original->width() == image.width() && original->height() == image.height();
        for (int y = 0; original && y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                originalMatched = originalMatched && original->at<std::uint8_t>(x, y, 0) == image.at<std::uint8_t>(x, y, 0);
        for (int y = 0; y < image.height(); ++y)
            std::fill_n(image.row(y), image.width() * image.channels(), std::uint8_t(7));
    }
};
} // namespace

class TestFilterRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exceptionRestoresPixels_data();
    void exceptionRestoresPixels();
    void exceptionRestoresFromGivenSnapshot();
    void cancelRestoresPixels();
    void refusesUnsupportedDtype();
    void refusesReadOnlyImage();
    void passesResolvedParams();
    void runsOnACropOnly();
    void originalShowsThePixelsBeforeTheRun();
    void beforeCopyReusesItsBuffer();
};

void TestFilterRun::exceptionRestoresPixels_data()
{
    QTest::addColumn<int>("dtype");
    for (DType t : allTypes)
        QTest::newRow(dtypeName(t)) << int(t);
}

void TestFilterRun::exceptionRestoresPixels()
{
    QFETCH(int, dtype);
    const Image image = testimages::pattern(33, 17, 4, DType(dtype));
    const Image before = image.copy();
    const auto revision = image.revision();
    FilterContext context;
    try {
        runFilter(DamageThenThrow(), image, {}, context);
        QFAIL("no exception");
    } catch (const std::runtime_error &e) {
        QCOMPARE(QString(e.what()), QString("broken on purpose"));
    }
    QVERIFY(testimages::samePixels(image, before));
    QVERIFY(image.revision() > revision); // the view must repaint the restored pixels
}

void TestFilterRun::exceptionRestoresFromGivenSnapshot()
{
    const Image image = testimages::pattern(8, 8, 3, DType::UInt8);
    const Image snapshot = image.copy();
    FilterContext context;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, runFilter(DamageThenThrow(), image, {}, context, &snapshot));
    QVERIFY(testimages::samePixels(image, snapshot));
}

void TestFilterRun::cancelRestoresPixels()
{
    const Image image = testimages::pattern(64, 64, 4, DType::UInt8);
    const Image before = image.copy();
    ClearUntilCancelled filter;
    FilterContext context;
    std::atomic<bool> cancelled{false};
    std::thread worker([&] {
        try {
            runFilter(filter, image, {}, context);
        } catch (const FilterCancelled &) {
            cancelled = true;
        }
    });
    QTRY_VERIFY(filter.started.load());
    context.cancel();
    worker.join();
    QVERIFY(cancelled.load());
    QVERIFY(testimages::samePixels(image, before));
}

void TestFilterRun::refusesUnsupportedDtype()
{
    const Image image = Image::create(4, 4, 1, DType::Float32);
    FilterContext context;
    try {
        runFilter(AddValue(), image, {}, context);
        QFAIL("no exception");
    } catch (const FilterError &e) {
        QCOMPARE(QString(e.what()), QString("AddValue does not support float32 images (it supports uint8)"));
    }
}

void TestFilterRun::refusesReadOnlyImage()
{
    Image image = Image::create(4, 4, 1, DType::UInt8);
    image.setReadOnly(true);
    FilterContext context;
    QVERIFY_THROWS_EXCEPTION(FilterError, runFilter(AddValue(), image, {}, context));
    QCOMPARE(image.at<std::uint8_t>(0, 0, 0), std::uint8_t(0));
}

void TestFilterRun::passesResolvedParams()
{
    const Image image = Image::create(4, 4, 1, DType::UInt8);
    FilterContext context;
    runFilter(AddValue(), image, {}, context); // default 1
    ParamValues values;
    values.set("value", std::int64_t(10));
    runFilter(AddValue(), image, values, context);
    QCOMPARE(image.at<std::uint8_t>(3, 3, 0), std::uint8_t(11));
    QCOMPARE(context.progress(), 1.f);
    values.set("value", std::int64_t(1000));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, runFilter(AddValue(), image, values, context));
}

void TestFilterRun::runsOnACropOnly()
{
    // A filter receives a strided view: a crop's neighbours stay untouched.
    const Image image = Image::create(10, 10, 1, DType::UInt8);
    FilterContext context;
    runFilter(AddValue(), image.view(2, 3, 4, 5), {}, context);
    int changed = 0;
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 10; ++x)
            changed += image.at<std::uint8_t>(x, y, 0);
    QCOMPARE(changed, 20);
    QCOMPARE(image.at<std::uint8_t>(2, 3, 0), std::uint8_t(1));
    QCOMPARE(image.at<std::uint8_t>(1, 3, 0), std::uint8_t(0));
}

void TestFilterRun::originalShowsThePixelsBeforeTheRun()
{
    Image image = Image::create(40, 30, 3, DType::UInt8);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x)
            image.at<std::uint8_t>(x, y, 0) = std::uint8_t(x + y);
    LookAtOriginal filter;
    FilterContext context;
    runFilter(filter, image, {}, context);
    QVERIFY(filter.originalData != nullptr);
    QVERIFY(filter.originalData != image.data());
    QVERIFY(filter.originalMatched); // the pixels as they were, not the filter's writes
    QCOMPARE(context.original(), nullptr); // only while apply() runs
    // A snapshot the caller gives is the original.
    Image before = image.copy();
    runFilter(filter, image, {}, context, &before);
    QCOMPARE(filter.originalData, before.data());
    // Without a restorable copy there is none.
    runFilter(filter, image, {}, context, nullptr, false);
    QCOMPARE(filter.originalData, nullptr);
}

void TestFilterRun::beforeCopyReusesItsBuffer()
{
    // Two runs on same-sized images: the second run's copy is the first
    // run's buffer again (warm pages), not a fresh allocation.
    Image a = Image::create(300, 200, 4, DType::UInt8);
    Image b = Image::create(300, 200, 4, DType::UInt8);
    LookAtOriginal filter;
    FilterContext context;
    runFilter(filter, a, {}, context);
    const std::uint8_t *first = filter.originalData;
    // Holds the address a freed copy would have left for the next mapping,
    // so only the pool can give the second run the same one.
    Image other = Image::create(300, 200, 4, DType::UInt8);
    const std::int64_t buffers = PixelBuffer::liveCount();
    runFilter(filter, b, {}, context);
    QCOMPARE(filter.originalData, first);
    QCOMPARE(PixelBuffer::liveCount(), buffers); // taken from the pool and given back
}

QTEST_GUILESS_MAIN(TestFilterRun)
#include "tst_filterrun.moc"
