// Metadata: an ordered name -> (type, value) list.
#include <livepix/metadata.h>

#include <QtTest>

class TestMetadata : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void setGetRemove()
    {
        livepix::Metadata m;
        QVERIFY(m.empty());
        m.set("Artist", "Ada");
        m.set("Orientation", "1", "int");
        m.set("exr:gain", "1.5", "float");
        QCOMPARE(m.size(), std::size_t(3));
        QCOMPARE(m.get("Artist").value_or(""), std::string("Ada"));
        QVERIFY(!m.get("Missing").has_value());
        QVERIFY(m.contains("Orientation"));
        QCOMPARE(m.entries()[1].type, std::string("int"));
        // Setting again replaces value and type in place, keeping the order.
        m.set("Artist", "Grace");
        m.set("Orientation", "6", "uint");
        QCOMPARE(m.size(), std::size_t(3));
        QCOMPARE(m.entries()[0].value, std::string("Grace"));
        QCOMPARE(m.entries()[1].type, std::string("uint"));
        m.remove("Artist");
        QCOMPARE(m.size(), std::size_t(2));
        QCOMPARE(m.entries()[0].name, std::string("Orientation"));
        m.remove("not there");
        QCOMPARE(m.size(), std::size_t(2));
    }
};

QTEST_APPLESS_MAIN(TestMetadata)
#include "tst_metadata.moc"
