// Parameter declarations, value resolution and the manifest format.
#include <QTest>

#include <livepix/paramvalues.h>
#include <livepix/pluginmanifest.h>

using namespace livepix;

class TestFilterParams : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void coerceAcceptsConvertibleValues();
    void coerceRejects_data();
    void coerceRejects();
    void resolveFillsDefaults();
    void resolveRejectsUnknownNames();
    void manifestRoundTrip();
    void manifestErrors_data();
    void manifestErrors();
};

void TestFilterParams::coerceAcceptsConvertibleValues()
{
    const auto f = FilterParam::makeFloat("sigma", "Sigma", 0.5, 10.0, 2.0);
    QCOMPARE(std::get<double>(f.coerce(std::int64_t(3))), 3.0);
    const auto i = FilterParam::makeInt("size", "Size", 1, 9, 3);
    QCOMPARE(std::get<std::int64_t>(i.coerce(5.0)), std::int64_t(5));
    const auto b = FilterParam::makeBool("on", "On", false);
    QCOMPARE(std::get<bool>(b.coerce(std::int64_t(1))), true);
    const auto c = FilterParam::makeChoice("map", "Map", {"a", "b"}, "a");
    QCOMPARE(std::get<std::string>(c.coerce(std::string("b"))), std::string("b"));
}

void TestFilterParams::coerceRejects_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("float above max") << 0 << "parameter 'sigma' = 11 is outside [0.5, 10]";
    QTest::newRow("int not whole") << 1 << "parameter 'size' expects an integer, got 2.5";
    QTest::newRow("int below min") << 2 << "parameter 'size' = 0 is outside [1, 9]";
    QTest::newRow("unknown choice") << 3 << "parameter 'map' = 'c' is not one of: a, b";
    QTest::newRow("bool from string") << 4 << "parameter 'on' expects true or false, got yes";
}

void TestFilterParams::coerceRejects()
{
    QFETCH(int, which);
    QFETCH(QString, message);
    const FilterParam params[] = {FilterParam::makeFloat("sigma", "Sigma", 0.5, 10.0, 2.0),
                                  FilterParam::makeInt("size", "Size", 1, 9, 3),
                                  FilterParam::makeInt("size", "Size", 1, 9, 3),
                                  FilterParam::makeChoice("map", "Map", {"a", "b"}, "a"),
                                  FilterParam::makeBool("on", "On", false)};
    const ParamValue values[] = {11.0, 2.5, std::int64_t(0), std::string("c"), std::string("yes")};
    try {
        params[which].coerce(values[which]);
        QFAIL("no exception");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromStdString(e.what()), message);
    }
}

void TestFilterParams::resolveFillsDefaults()
{
    const std::vector<FilterParam> declared = {FilterParam::makeFloat("sigma", "Sigma", 0.5, 10.0, 2.0),
                                               FilterParam::makeInt("size", "Size", 1, 9, 3)};
    ParamValues given;
    given.set("size", 7.0);
    const ParamValues resolved = resolveParams(declared, given);
    QCOMPARE(resolved.toDouble("sigma"), 2.0);
    QCOMPARE(resolved.toInt("size"), std::int64_t(7));
    QVERIFY(std::holds_alternative<std::int64_t>(resolved.get("size")));
}

void TestFilterParams::resolveRejectsUnknownNames()
{
    ParamValues given;
    given.set("sgima", 1.0);
    try {
        resolveParams({FilterParam::makeFloat("sigma", "Sigma", 0.5, 10.0, 2.0)}, given);
        QFAIL("no exception");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString::fromStdString(e.what()), QString("unknown parameter 'sgima' (parameters: sigma)"));
    }
}

void TestFilterParams::manifestRoundTrip()
{
    PluginManifest m;
    m.name = "demo";
    m.version = "1.2.3";
    m.apiVersion = 1;
    m.kind = PluginKind::Python;
    m.entry = "demo.py";
    FilterManifest f;
    f.name = "Demo";
    f.dtypes = {DType::UInt8, DType::Float32};
    f.params = {FilterParam::makeInt("size", "Size", 1, 9, 3), FilterParam::makeChoice("map", "", {"x", "y"}, "y"),
                FilterParam::makeBool("on", "On", true), FilterParam::makeFloat("a", "A", -1, 1, 0.25)};
    m.filters.push_back(f);
    FilterManifest pointwise;
    pointwise.name = "Per Pixel";
    pointwise.traits.pointwise = true;
    m.filters.push_back(pointwise);
    FilterManifest blur;
    blur.name = "Blur";
    blur.params = {FilterParam::makeFloat("sigma", "", 0, 9, 1), FilterParam::makeInt("size", "", 1, 9, 3)};
    blur.traits.lengths = {"sigma", "size"};
    m.filters.push_back(blur);
    const PluginManifest back = PluginManifest::parse(m.toJson(), "/somewhere/demo/plugin.json");
    QCOMPARE(back.name, m.name);
    QCOMPARE(back.version, m.version);
    QCOMPARE(back.kind, PluginKind::Python);
    QCOMPARE(back.entryPath(), std::string("/somewhere/demo/demo.py"));
    QCOMPARE(back.filters.size(), std::size_t(3));
    QVERIFY(!back.filters[0].traits.pointwise);
    QVERIFY(back.filters[0].traits.lengths.empty());
    QVERIFY(back.filters[1].traits.pointwise);
    QCOMPARE(back.filters[2].traits.lengths, (std::vector<std::string>{"sigma", "size"}));
    QVERIFY(m.toJson().find("\"pointwise\": true") != std::string::npos);
    QVERIFY(m.toJson().find("\"lengths\": [") != std::string::npos);
    QCOMPARE(back.filters[0].dtypes, f.dtypes);
    QCOMPARE(back.filters[0].params.size(), std::size_t(4));
    QCOMPARE(back.filters[0].params[0].type, ParamType::Int);
    QCOMPARE(std::get<std::int64_t>(back.filters[0].params[0].defaultValue), std::int64_t(3));
    QCOMPARE(back.filters[0].params[1].choices, (std::vector<std::string>{"x", "y"}));
    QCOMPARE(std::get<bool>(back.filters[0].params[2].defaultValue), true);
    QCOMPARE(std::get<double>(back.filters[0].params[3].defaultValue), 0.25);
}

void TestFilterParams::manifestErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << "{\"name\": " << "not valid JSON";
    QTest::newRow("no version") << R"({"name": "x", "api_version": 1, "kind": "cpp", "entry": "x.so"})"
                                << "needs a non-empty string \"version\"";
    QTest::newRow("bad kind") << R"({"name": "x", "version": "1", "api_version": 1, "kind": "rust", "entry": "x"})"
                              << "unknown plugin kind \"rust\"";
    QTest::newRow("default out of range")
        << R"({"name": "x", "version": "1", "api_version": 1, "kind": "cpp", "entry": "x",
              "filters": [{"name": "F", "params": [{"name": "p", "type": "int", "min": 0, "max": 3, "default": 5}]}]})"
        << "parameter 'p' = 5 is outside [0, 3]";
    QTest::newRow("pointwise not a bool")
        << R"({"name": "x", "version": "1", "api_version": 1, "kind": "cpp", "entry": "x",
              "filters": [{"name": "F", "pointwise": "yes"}]})"
        << "filter \"F\" has a \"pointwise\" that is not true or false";
    QTest::newRow("lengths not a list")
        << R"({"name": "x", "version": "1", "api_version": 1, "kind": "cpp", "entry": "x",
              "filters": [{"name": "F", "lengths": "sigma"}]})"
        << "filter \"F\" has \"lengths\" that are not a list of parameter names";
    QTest::newRow("lengths not names")
        << R"({"name": "x", "version": "1", "api_version": 1, "kind": "cpp", "entry": "x",
              "filters": [{"name": "F", "lengths": [3]}]})"
        << "filter \"F\" has \"lengths\" that are not a list of parameter names";
}

void TestFilterParams::manifestErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, message);
    try {
        PluginManifest::parse(json.toStdString(), "/p/plugin.json");
        QFAIL("no exception");
    } catch (const std::runtime_error &e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith("/p/plugin.json: "), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

QTEST_GUILESS_MAIN(TestFilterParams)
#include "tst_filterparams.moc"
