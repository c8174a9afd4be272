// The C++ example plugins (plugins/invert, plugins/oiioblur), loaded from the
// build tree the way the app loads them, checked by pixels for every dtype.
#include <QTest>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>

#include <livepix/filtererror.h>
#include <livepix/filterrun.h>
#include <livepix/plugincatalog.h>

#include <cmath>

#include "testimages.h"

using namespace livepix;

class TestExamplePlugins : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void manifestsListTheFilters();
    void invert_data();
    void invert();
    void invertInTilesAndCancel();
    void gaussianBlur_data();
    void gaussianBlur();
    void median_data();
    void median();

private:
    void addDtypeRows();
    FilterRegistry m_registry;
    PluginCatalog m_catalog{m_registry};
};

void TestExamplePlugins::initTestCase()
{
    m_catalog.setSearchPaths({LIVEPIX_EXAMPLE_PLUGIN_DIR});
    m_catalog.load();
    QVERIFY2(m_registry.find("Invert"), m_catalog.formatList().c_str());
    QVERIFY2(m_registry.find("Gaussian Blur (OIIO)"), m_catalog.formatList().c_str());
    QVERIFY2(m_registry.find("Median (OIIO)"), m_catalog.formatList().c_str());
}

void TestExamplePlugins::manifestsListTheFilters()
{
    // The build writes each C++ plugin's manifest from its code.
    const PluginManifest m = PluginManifest::read(std::string(LIVEPIX_EXAMPLE_PLUGIN_DIR) + "/oiioblur/plugin.json");
    QCOMPARE(m.kind, PluginKind::Cpp);
    QCOMPARE(m.apiVersion, LIVEPIX_PLUGIN_API_VERSION);
    QCOMPARE(m.filters.size(), std::size_t(2));
    QCOMPARE(m.filters[0].params.at(0).name, std::string("sigma"));
    QCOMPARE(m.filters[1].params.at(0).type, ParamType::Int);
    // Only Invert declares itself pointwise (a static member the build
    // reads, like its filters); the blur and the median are not, and
    // declare their sigma and size lengths instead.
    QVERIFY(!m.filters[0].traits.pointwise && !m.filters[1].traits.pointwise);
    QCOMPARE(m.filters[0].traits.lengths, std::vector<std::string>{"sigma"});
    QCOMPARE(m.filters[1].traits.lengths, std::vector<std::string>{"size"});
    const PluginManifest invert =
        PluginManifest::read(std::string(LIVEPIX_EXAMPLE_PLUGIN_DIR) + "/invert/plugin.json");
    QVERIFY(invert.filters.at(0).traits.pointwise);
    QVERIFY(invert.filters.at(0).traits.lengths.empty());
    // Loading keeps the declaration with the filter.
    QVERIFY(m_registry.findEntry("Invert").traits.pointwise);
    QVERIFY(!m_registry.findEntry("Gaussian Blur (OIIO)").traits.pointwise);
    QCOMPARE(m_registry.findEntry("Median (OIIO)").traits.lengths, std::vector<std::string>{"size"});
    QVERIFY(!m_registry.findEntry("No Such Filter").filter);
}

void TestExamplePlugins::addDtypeRows()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("channels");
    for (DType t : {DType::UInt8, DType::UInt16, DType::Float16, DType::Float32})
        for (int channels : {1, 3, 4})
            QTest::addRow("%s x%d", dtypeName(t), channels) << int(t) << channels;
}

namespace {
/// Empty when `image` is `before` inverted (colour channels white - v, alpha
/// kept), else the first pixel that is not.
QString notInverted(const Image &image, const Image &before)
{
    const float white = testimages::white(image.dtype());
    const int alpha = image.alphaChannel();
    // float16 rounds 1-v to its own precision
    const float tolerance = image.dtype() == DType::Float16 ? 1e-3f : 0.f;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < image.channels(); ++c) {
                const float expected = c == alpha ? before.valueAt(x, y, c) : white - before.valueAt(x, y, c);
                if (std::abs(image.valueAt(x, y, c) - expected) > tolerance)
                    return QString("pixel (%1, %2) channel %3: %4, expected %5")
                        .arg(x).arg(y).arg(c).arg(image.valueAt(x, y, c)).arg(expected);
            }
    return {};
}
} // namespace

void TestExamplePlugins::invert_data()
{
    addDtypeRows();
}

void TestExamplePlugins::invert()
{
    QFETCH(int, dtype);
    QFETCH(int, channels);
    const DType type = DType(dtype);
    const Image image = testimages::pattern(37, 21, channels, type);
    const Image before = image.copy();
    FilterContext context;
    runFilter(*m_registry.get("Invert"), image, {}, context);
    const QString difference = notInverted(image, before);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    // Twice is the identity for the integer types.
    if (!isFloat(type)) {
        runFilter(*m_registry.get("Invert"), image, {}, context);
        QVERIFY(testimages::samePixels(image, before));
    }
}

void TestExamplePlugins::invertInTilesAndCancel()
{
    // Taller than one tile (64 whole rows), with a partial one at the
    // bottom: every pixel inverted once, on several threads.
    for (const auto &[type, channels] : {std::pair{DType::UInt8, 4}, std::pair{DType::Float32, 3}}) {
        const Image image = testimages::pattern(1100, 150, channels, type);
        const Image before = image.copy();
        FilterContext context;
        runFilter(*m_registry.get("Invert"), image, {}, context);
        QCOMPARE(context.progress(), 1.0f);
        const QString difference = notInverted(image, before);
        QVERIFY2(difference.isEmpty(), qPrintable(QString("%1 x%2: ").arg(dtypeName(type)).arg(channels) + difference));
    }
    // Cancelled before it starts: no tile runs and the pixels stay.
    const Image image = testimages::pattern(1100, 150, 4, DType::UInt8);
    const Image before = image.copy();
    FilterContext context;
    context.cancel();
    QVERIFY_THROWS_EXCEPTION(FilterCancelled, runFilter(*m_registry.get("Invert"), image, {}, context));
    QVERIFY(testimages::samePixels(image, before));
    QCOMPARE(context.progress(), 0.0f);
}

void TestExamplePlugins::gaussianBlur_data()
{
    addDtypeRows();
}

void TestExamplePlugins::gaussianBlur()
{
    QFETCH(int, dtype);
    QFETCH(int, channels);
    const DType type = DType(dtype);
    // A white square on black, taller than one processing band (64 rows).
    const int w = 41, h = 150, cx = 20, cy = 75;
    const Image image = Image::create(w, h, channels, type);
    const float white = testimages::white(type);
    for (int y = cy - 5; y <= cy + 5; ++y)
        for (int x = cx - 5; x <= cx + 5; ++x)
            for (int c = 0; c < channels; ++c)
                testimages::setValue(image, x, y, c, white);
    const Image before = image.copy();

    ParamValues values;
    values.set("sigma", 1.5);
    FilterContext context;
    runFilter(*m_registry.get("Gaussian Blur (OIIO)"), image, values, context);

    double sumBefore = 0, sumAfter = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            sumBefore += before.valueAt(x, y, 0);
            sumAfter += image.valueAt(x, y, 0);
        }
    QVERIFY2(std::abs(sumAfter - sumBefore) / sumBefore < 0.02, qPrintable(QString("%1 vs %2").arg(sumAfter).arg(sumBefore)));
    // Softened edges: the corner of the square lost brightness, its outside gained some.
    QVERIFY(image.valueAt(cx - 5, cy - 5, 0) < white * 0.9f);
    QVERIFY(image.valueAt(cx - 6, cy, 0) > 0.f);
    QCOMPARE(image.valueAt(cx, cy, 0), white); // well inside stays white
    QCOMPARE(image.valueAt(0, 0, 0), 0.f);    // far away stays black
    // Symmetric around the square's centre (to one unit of rounding).
    const float unit = isFloat(type) ? 1e-3f : 1.f;
    for (int k = 1; k < 10; ++k)
        QVERIFY(std::abs(image.valueAt(cx - k, cy, 0) - image.valueAt(cx + k, cy, 0)) <= unit);

    // In place, separable and band by band equals OpenImageIO's own 2-D result.
    OIIO::ImageSpec spec(w, h, channels, type == DType::UInt8    ? OIIO::TypeDesc::UINT8
                                         : type == DType::UInt16 ? OIIO::TypeDesc::UINT16
                                         : type == DType::Float16 ? OIIO::TypeDesc::HALF
                                                                  : OIIO::TypeDesc::FLOAT);
    OIIO::ImageBuf src(spec, before.data(), before.xStride(), before.yStride());
    const float width = std::ceil(1.5f * 3.f) * 2.f + 1.f;
    OIIO::ImageBuf kernel = OIIO::ImageBufAlgo::make_kernel("gaussian", width, width);
    OIIO::ImageBuf reference = OIIO::ImageBufAlgo::convolve(src, kernel);
    // The reference is one 2-D float convolution; the plugin does two 1-D
    // passes and rounds to the image's own type: equal to rounding.
    const float tolerance = type == DType::Float32 ? 1e-5f : type == DType::Float16 ? 2e-3f : 1.f / white + 1e-6f;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            float ref = 0;
            reference.getpixel(x, y, 0, &ref, 1);
            if (std::abs(image.valueAt(x, y, 0) / white - ref) > tolerance)
                QFAIL(qPrintable(QString("(%1, %2): %3 vs OIIO %4").arg(x).arg(y).arg(image.valueAt(x, y, 0) / white).arg(ref)));
        }
}

void TestExamplePlugins::median_data()
{
    addDtypeRows();
}

void TestExamplePlugins::median()
{
    QFETCH(int, dtype);
    QFETCH(int, channels);
    const DType type = DType(dtype);
    const float white = testimages::white(type);
    const float grey = isFloat(type) ? 0.5f : std::floor(white / 2);
    const Image image = Image::create(30, 140, channels, type);
    for (int y = 0; y < 140; ++y)
        for (int x = 0; x < 30; ++x)
            for (int c = 0; c < channels; ++c)
                testimages::setValue(image, x, y, c, x < 15 ? grey : white); // a vertical edge
    // Salt noise, one pixel each, including on band boundaries (rows 63, 64).
    for (auto [x, y] : {std::pair{5, 10}, std::pair{7, 63}, std::pair{8, 64}, std::pair{4, 130}})
        for (int c = 0; c < channels; ++c)
            testimages::setValue(image, x, y, c, 0.f);
    ParamValues values;
    values.set("size", std::int64_t(3));
    FilterContext context;
    runFilter(*m_registry.get("Median (OIIO)"), image, values, context);
    for (int y = 0; y < 140; ++y)
        for (int x = 0; x < 30; ++x) {
            const float expected = x < 15 ? grey : white; // noise gone, edge kept sharp
            if (image.valueAt(x, y, channels - 1) != expected)
                QFAIL(qPrintable(QString("(%1, %2) = %3, expected %4").arg(x).arg(y).arg(image.valueAt(x, y, channels - 1)).arg(expected)));
        }
}

QTEST_GUILESS_MAIN(TestExamplePlugins)
#include "tst_exampleplugins.moc"
