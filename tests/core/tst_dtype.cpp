// DType: sizes, names and parsing of the four kept component types.
#include <livepix/dtype.h>

#include <QtTest>

using livepix::DType;

class TestDType : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sizesAndNames_data()
    {
        QTest::addColumn<DType>("type");
        QTest::addColumn<int>("bytes");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("floating");
        QTest::newRow("uint8") << DType::UInt8 << 1 << "uint8" << false;
        QTest::newRow("uint16") << DType::UInt16 << 2 << "uint16" << false;
        QTest::newRow("float16") << DType::Float16 << 2 << "float16" << true;
        QTest::newRow("float32") << DType::Float32 << 4 << "float32" << true;
    }
    void sizesAndNames()
    {
        QFETCH(DType, type);
        QFETCH(int, bytes);
        QFETCH(QString, name);
        QFETCH(bool, floating);
        QCOMPARE(int(livepix::byteSize(type)), bytes);
        QCOMPARE(QString(livepix::dtypeName(type)), name);
        QCOMPARE(livepix::isFloat(type), floating);
        // The name parses back to the same type.
        QCOMPARE(livepix::parseDType(name.toStdString()), type);
    }

    void parseAliases_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<DType>("type");
        QTest::newRow("u8") << "u8" << DType::UInt8;
        QTest::newRow("numpy |u1") << "|u1" << DType::UInt8;
        QTest::newRow("UINT16 upper case") << "UINT16" << DType::UInt16;
        QTest::newRow("numpy <u2") << "<u2" << DType::UInt16;
        QTest::newRow("half") << "half" << DType::Float16;
        QTest::newRow("numpy <f2") << "<f2" << DType::Float16;
        QTest::newRow("float") << "float" << DType::Float32;
        QTest::newRow("numpy <f4") << "<f4" << DType::Float32;
    }
    void parseAliases()
    {
        QFETCH(QString, text);
        QFETCH(DType, type);
        QCOMPARE(livepix::parseDType(text.toStdString()), type);
    }

    void parseRejectsUnknownTypes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("float64") << "float64";
        QTest::newRow("int16") << "int16";
        QTest::newRow("empty") << "";
        QTest::newRow("nonsense") << "pixels";
    }
    void parseRejectsUnknownTypes()
    {
        QFETCH(QString, text);
        try {
            livepix::parseDType(text.toStdString());
            QFAIL("parseDType accepted an unknown type");
        } catch (const std::invalid_argument &e) {
            // The message names the rejected value.
            QVERIFY2(QString(e.what()).contains("'" + text + "'"), e.what());
        }
    }

    void compileTimeMapping()
    {
        static_assert(livepix::DTypeOf<std::uint8_t>::value == DType::UInt8);
        static_assert(livepix::DTypeOf<std::uint16_t>::value == DType::UInt16);
        static_assert(livepix::DTypeOf<livepix::float16>::value == DType::Float16);
        static_assert(livepix::DTypeOf<float>::value == DType::Float32);
        QCOMPARE(sizeof(livepix::float16), livepix::byteSize(DType::Float16));
        QCOMPARE(float(livepix::float16(0.5f)), 0.5f);
    }
};

QTEST_APPLESS_MAIN(TestDType)
#include "tst_dtype.moc"
