// FilterRegistry: names, plugin ownership, replacement rules, thread safety.
#include <QTest>

#include <livepix/filtererror.h>
#include <livepix/filterregistry.h>

#include <thread>

using namespace livepix;

namespace {
class NamedFilter : public Filter {
public:
    explicit NamedFilter(std::string name) : m_name(std::move(name)) {}
    std::string name() const override { return m_name; }
    std::vector<DType> dtypes() const override { return {DType::UInt8}; }
    void apply(const Image &, const ParamValues &, FilterContext &) const override {}

private:
    std::string m_name;
};
std::shared_ptr<const Filter> named(const std::string &n) { return std::make_shared<NamedFilter>(n); }
} // namespace

class TestFilterRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void addFindAndNames();
    void samePluginReplaces();
    void otherPluginConflicts();
    void removePluginRemovesOnlyItsFilters();
    void getListsKnownNames();
    void concurrentUse();
};

void TestFilterRegistry::addFindAndNames()
{
    FilterRegistry registry;
    const auto before = registry.revision();
    registry.add(named("A"), "p");
    registry.add(named("B"));
    QCOMPARE(registry.names(), (std::vector<std::string>{"A", "B"}));
    QVERIFY(registry.find("A"));
    QVERIFY(!registry.find("C"));
    QCOMPARE(registry.entries()[0].plugin, std::string("p"));
    QVERIFY(registry.revision() > before);
}

void TestFilterRegistry::samePluginReplaces()
{
    FilterRegistry registry;
    auto first = named("A");
    auto second = named("A");
    registry.add(first, "p");
    registry.add(second, "p");
    QCOMPARE(registry.names().size(), std::size_t(1));
    QCOMPARE(registry.find("A").get(), second.get());
}

void TestFilterRegistry::otherPluginConflicts()
{
    FilterRegistry registry;
    registry.add(named("A"), "first");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, registry.add(named("A"), "second"));
    try {
        registry.add(named("A"), "second");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString(e.what()), QString("filter 'A' is already registered by plugin 'first'"));
    }
}

void TestFilterRegistry::removePluginRemovesOnlyItsFilters()
{
    FilterRegistry registry;
    registry.add(named("A"), "p");
    registry.add(named("B"), "q");
    registry.add(named("C"), "p");
    QCOMPARE(registry.removePlugin("p"), 2);
    QCOMPARE(registry.names(), (std::vector<std::string>{"B"}));
    QVERIFY(registry.remove("B"));
    QVERIFY(!registry.remove("B"));
}

void TestFilterRegistry::getListsKnownNames()
{
    FilterRegistry registry;
    registry.add(named("Blur"));
    try {
        registry.get("Blurr");
        QFAIL("no exception");
    } catch (const FilterError &e) {
        QCOMPARE(QString(e.what()), QString("no filter named 'Blurr' (filters: Blur)"));
    }
}

void TestFilterRegistry::concurrentUse()
{
    // Adds, lookups and removals from four threads at once must neither crash
    // nor lose entries (run under the sanitizer build to catch races).
    FilterRegistry registry;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&registry, t] {
            for (int i = 0; i < 200; ++i) {
                const std::string name = "F" + std::to_string(t) + "_" + std::to_string(i);
                registry.add(named(name), "plugin" + std::to_string(t));
                registry.find(name);
                registry.names();
            }
        });
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(registry.names().size(), std::size_t(800));
    QCOMPARE(registry.removePlugin("plugin2"), 200);
}

QTEST_GUILESS_MAIN(TestFilterRegistry)
#include "tst_filterregistry.moc"
