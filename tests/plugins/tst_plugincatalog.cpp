// PluginCatalog: discovery, every kind of broken plugin, loaders, reload.
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <livepix/filtererror.h>
#include <livepix/filterrun.h>
#include <livepix/plugincatalog.h>

#include "testimages.h"

using namespace livepix;

namespace {
const PluginRecord *findRecord(const std::vector<PluginRecord> &records, const std::string &name)
{
    for (const auto &r : records)
        if (r.manifest.name == name || r.manifestPath.find("/" + name + "/") != std::string::npos)
            return &r;
    return nullptr;
}

class ConstantFilter : public Filter {
public:
    ConstantFilter(std::string name, int value) : m_name(std::move(name)), m_value(value) {}
    std::string name() const override { return m_name; }
    std::vector<DType> dtypes() const override { return {DType::UInt8}; }
    void apply(const Image &image, const ParamValues &, FilterContext &) const override
    {
        image.at<std::uint8_t>(0, 0, 0) = std::uint8_t(m_value);
    }

private:
    std::string m_name;
    int m_value;
};

void writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}
} // namespace

class TestPluginCatalog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsGoodAndSkipsBad_data();
    void loadsGoodAndSkipsBad();
    void goodPluginFiltersRun();
    void pythonPluginsWaitForALoader();
    void loaderErrorsSkipThePlugin();
    void traitsComeFromTheCodeAndDisagreementIsNoted();
    void reloadReloadsPythonOnly();
    void firstOfTwoSameNamesWins();
    void searchPathsFollowTheEnvironment();
    void listShowsReasons();
};

void TestPluginCatalog::loadsGoodAndSkipsBad_data()
{
    QTest::addColumn<QString>("plugin");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("reason");
    QTest::newRow("good") << "lp_testfilters" << "loaded" << "";
    QTest::newRow("binary built for another API") << "lp_wrongversion" << "skipped"
                                                  << "built for plugin API 999, this livepix has API 1; rebuild the plugin";
    QTest::newRow("manifest for another API") << "lp_futureapi" << "skipped"
                                              << "manifest declares plugin API 999, this livepix has API 1";
    QTest::newRow("missing symbol") << "lp_nosymbol" << "skipped" << "missing symbol livepix_plugin_api_version";
    QTest::newRow("registration throws") << "lp_throwingregister" << "skipped" << "cannot find my lookup table";
    QTest::newRow("broken manifest") << "lp_brokenjson" << "skipped" << "not valid JSON";
    QTest::newRow("entry file missing") << "lp_missingentry" << "skipped" << "does not exist";
    QTest::newRow("python without loader") << "lp_pythonplugin" << "not loaded" << "needs the livepix Python module";
}

void TestPluginCatalog::loadsGoodAndSkipsBad()
{
    QFETCH(QString, plugin);
    QFETCH(QString, state);
    QFETCH(QString, reason);
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR});
    catalog.load(); // must not throw whatever the plugins do
    const auto records = catalog.records();
    const PluginRecord *record = findRecord(records, plugin.toStdString());
    QVERIFY2(record, qPrintable(plugin));
    QCOMPARE(QString(pluginStateName(record->state)), state);
    QVERIFY2(QString::fromStdString(record->reason).contains(reason), record->reason.c_str());
    if (state == "loaded")
        QCOMPARE(record->filters, (std::vector<std::string>{"Test Throw", "Test Slow", "Test Fill"}));
    else
        QVERIFY(record->filters.empty());
}

void TestPluginCatalog::goodPluginFiltersRun()
{
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR});
    catalog.load();
    QCOMPARE(registry.names(), (std::vector<std::string>{"Test Throw", "Test Slow", "Test Fill"}));
    QCOMPARE(registry.entries()[0].plugin, std::string("lp_testfilters"));

    const Image image = testimages::pattern(16, 16, 3, DType::UInt8);
    const Image before = image.copy();
    FilterContext context;
    // A runtime exception inside a plugin's filter: message kept, pixels restored.
    try {
        runFilter(*registry.get("Test Throw"), image, {}, context);
        QFAIL("no exception");
    } catch (const std::runtime_error &e) {
        QCOMPARE(QString(e.what()), QString("deliberate failure in row 8"));
    }
    QVERIFY(testimages::samePixels(image, before));

    ParamValues values;
    values.set("value", std::int64_t(200));
    values.set("mode", std::string("first"));
    runFilter(*registry.get("Test Fill"), image, values, context);
    QCOMPARE(int(image.at<std::uint8_t>(5, 5, 0)), 200);
    QCOMPARE(image.at<std::uint8_t>(5, 5, 1), before.at<std::uint8_t>(5, 5, 1));
}

void TestPluginCatalog::pythonPluginsWaitForALoader()
{
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR});
    catalog.load();
    QVERIFY(!registry.find("FromPython"));
    int calls = 0;
    catalog.setLoader(PluginKind::Python, [&](const PluginManifest &m, PluginRegistrar &r) {
        QCOMPARE(m.entry, std::string("p.py"));
        ++calls;
        r.addFilter(std::make_shared<ConstantFilter>("FromPython", 1));
    });
    catalog.load(); // retries plugins that were waiting for the loader, only them
    QCOMPARE(calls, 1);
    QVERIFY(registry.find("FromPython"));
    const auto records = catalog.records();
    const PluginRecord *record = findRecord(records, "lp_pythonplugin");
    QCOMPARE(record->state, PluginRecord::State::Loaded);
    catalog.load();
    QCOMPARE(calls, 1);
}

void TestPluginCatalog::loaderErrorsSkipThePlugin()
{
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR});
    catalog.setLoader(PluginKind::Python, [](const PluginManifest &, PluginRegistrar &) {
        throw std::runtime_error("p.py, line 3: SyntaxError: invalid syntax");
    });
    catalog.load();
    const auto records = catalog.records();
    const PluginRecord *record = findRecord(records, "lp_pythonplugin");
    QCOMPARE(record->state, PluginRecord::State::Skipped);
    QCOMPARE(record->reason, std::string("p.py, line 3: SyntaxError: invalid syntax"));
    QVERIFY(registry.find("Test Fill")); // the others still load
}

void TestPluginCatalog::traitsComeFromTheCodeAndDisagreementIsNoted()
{
    QTemporaryDir dir;
    // The manifest promises a pointwise filter; the code does not declare it.
    writeFile(dir.filePath("pp/plugin.json"),
              R"({"name": "pp", "version": "1", "api_version": 1, "kind": "python", "entry": "pp.py",
                  "filters": [{"name": "Per Pixel", "pointwise": true}, {"name": "Other"}]})");
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({dir.path().toStdString()});
    bool declare = false;
    catalog.setLoader(PluginKind::Python, [&](const PluginManifest &, PluginRegistrar &r) {
        FilterTraits traits;
        traits.pointwise = declare;
        r.addFilter(std::make_shared<ConstantFilter>("Per Pixel", 1), traits);
        r.addFilter(std::make_shared<ConstantFilter>("Other", 2));
    });
    catalog.load();
    QVERIFY(!registry.findEntry("Per Pixel").traits.pointwise); // the code wins
    QVERIFY(registry.findEntry("Per Pixel").filter);
    auto record = *findRecord(catalog.records(), "pp");
    QCOMPARE(record.state, PluginRecord::State::Loaded);
    QCOMPARE(record.reason, std::string("note: the manifest declares filter \"Per Pixel\" pointwise, no lengths; "
                                        "the code declares it not pointwise, no lengths (the code wins)"));
    // Declared in the code as in the manifest: pointwise, and no note.
    declare = true;
    catalog.reload();
    QVERIFY(registry.findEntry("Per Pixel").traits.pointwise);
    QVERIFY(!registry.findEntry("Other").traits.pointwise);
    record = *findRecord(catalog.records(), "pp");
    QCOMPARE(record.reason, std::string());
    // Lengths that name no parameter of the filter: the plugin is refused,
    // saying which.
    catalog.setLoader(PluginKind::Python, [&](const PluginManifest &, PluginRegistrar &r) {
        FilterTraits traits;
        traits.lengths = {"sigma"};
        r.addFilter(std::make_shared<ConstantFilter>("Per Pixel", 1), traits);
    });
    catalog.reload();
    record = *findRecord(catalog.records(), "pp");
    QCOMPARE(record.state, PluginRecord::State::Skipped);
    QVERIFY2(record.reason.find("filter 'Per Pixel' declares \"sigma\" a length, but it has no int or float "
                                "parameter of that name") != std::string::npos,
             record.reason.c_str());
    QVERIFY(!registry.findEntry("Per Pixel").filter);
}

void TestPluginCatalog::reloadReloadsPythonOnly()
{
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR});
    int generation = 0;
    catalog.setLoader(PluginKind::Python, [&](const PluginManifest &, PluginRegistrar &r) {
        ++generation;
        r.addFilter(std::make_shared<ConstantFilter>("Gen" + std::to_string(generation), generation));
    });
    catalog.load();
    const auto cppFilter = registry.find("Test Fill");
    QVERIFY(registry.find("Gen1"));
    catalog.reload();
    QVERIFY(!registry.find("Gen1")); // the old Python filters are gone...
    QVERIFY(registry.find("Gen2"));  // ...replaced by what the new code registers
    QCOMPARE(registry.find("Test Fill").get(), cppFilter.get()); // C++ plugins are kept as they are
}

void TestPluginCatalog::firstOfTwoSameNamesWins()
{
    QTemporaryDir dir;
    writeFile(dir.filePath("copy/plugin.json"),
              R"({"name": "lp_testfilters", "version": "2.0", "api_version": 1, "kind": "cpp", "entry": "x.so"})");
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR, dir.path().toStdString()});
    catalog.load();
    int loaded = 0, duplicates = 0;
    for (const auto &r : catalog.records()) {
        if (r.manifest.name != "lp_testfilters")
            continue;
        loaded += r.state == PluginRecord::State::Loaded;
        duplicates += r.reason.find("was found first") != std::string::npos;
    }
    QCOMPARE(loaded, 1);
    QCOMPARE(duplicates, 1);
}

void TestPluginCatalog::searchPathsFollowTheEnvironment()
{
    qputenv("LIVEPIX_PLUGIN_PATH", "/tmp/a:/tmp/b");
    qputenv("XDG_DATA_HOME", "/tmp/xdg");
    const auto paths = PluginCatalog::defaultSearchPaths();
    qunsetenv("LIVEPIX_PLUGIN_PATH");
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(paths.size(), std::size_t(4));
    QCOMPARE(paths[0], std::string("/tmp/a"));
    QCOMPARE(paths[1], std::string("/tmp/b"));
    QCOMPARE(paths[2], std::string("/tmp/xdg/livepix/plugins"));
    // The installed folder is beside liblivepix_core, the same in the build tree.
    QCOMPARE(QDir(QString::fromStdString(paths[3])).canonicalPath(),
             QDir(LIVEPIX_EXAMPLE_PLUGIN_DIR).canonicalPath());
    qputenv("HOME", "/home/someone");
    QCOMPARE(PluginCatalog::defaultSearchPaths()[0], std::string("/home/someone/.local/share/livepix/plugins"));
}

void TestPluginCatalog::listShowsReasons()
{
    FilterRegistry registry;
    PluginCatalog catalog(registry);
    catalog.setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR});
    catalog.load();
    const QString list = QString::fromStdString(catalog.formatList());
    QVERIFY2(list.contains(QRegularExpression(R"(lp_testfilters\s+cpp\s+0\.1\.0\s+loaded\s+Test Throw, Test Slow, Test Fill)")),
             qPrintable(list));
    QVERIFY2(list.contains(QRegularExpression(R"(lp_nosymbol\s+cpp\s+0\.1\.0\s+skipped\s+missing symbol)")),
             qPrintable(list));
}

QTEST_GUILESS_MAIN(TestPluginCatalog)
#include "tst_plugincatalog.moc"
