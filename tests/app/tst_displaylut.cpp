// DisplayLut: stored component -> 8-bit display value by table lookup.
#include <QtTest>

#include <cmath>
#include <limits>

#include "viewer/displaylut.h"

using namespace livepix;
using namespace livepix::gui;

Q_DECLARE_METATYPE(livepix::DType)

class TestDisplayLut : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void floatValues_data();
    void floatValues();
    void matchesTransferEverywhere_data();
    void matchesTransferEverywhere();
    void integersAreScaledToUnit();
    void rebuildsOnlyWhenNeeded();
    void levelsInStoredUnits_data();
    void levelsInStoredUnits();
    void srgbTransfer();
};

void TestDisplayLut::floatValues_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<double>("exposure");
    QTest::addColumn<double>("gamma");
    QTest::addColumn<float>("value");
    QTest::addColumn<int>("expected");
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (DType t : {DType::Float32, DType::Float16}) {
        const QByteArray n = dtypeName(t);
        QTest::newRow(n + " zero") << t << 0.0 << 1.0 << 0.0f << 0;
        QTest::newRow(n + " one") << t << 0.0 << 1.0 << 1.0f << 255;
        QTest::newRow(n + " half") << t << 0.0 << 1.0 << 0.5f << 128;
        QTest::newRow(n + " 51/255") << t << 0.0 << 1.0 << 51.0f / 255.0f << 51;
        QTest::newRow(n + " over one clips") << t << 0.0 << 1.0 << 7.5f << 255;
        QTest::newRow(n + " negative") << t << 0.0 << 1.0 << -0.5f << 0;
        QTest::newRow(n + " +inf") << t << 0.0 << 1.0 << inf << 255;
        QTest::newRow(n + " -inf") << t << 0.0 << 1.0 << -inf << 0;
        QTest::newRow(n + " nan") << t << 0.0 << 1.0 << nan << 0;
        QTest::newRow(n + " +1 stop") << t << 1.0 << 1.0 << 0.25f << 128;
        QTest::newRow(n + " -2 stops") << t << -2.0 << 1.0 << 2.0f << 128;
        QTest::newRow(n + " gamma 2") << t << 0.0 << 2.0 << 0.25f << 128;
        QTest::newRow(n + " HDR 4.0 at -2 stops") << t << -2.0 << 1.0 << 4.0f << 255;
    }
}

void TestDisplayLut::floatValues()
{
    QFETCH(DType, dtype);
    QFETCH(double, exposure);
    QFETCH(double, gamma);
    QFETCH(float, value);
    QFETCH(int, expected);
    DisplayLut lut;
    lut.build(dtype, exposure, gamma);
    QCOMPARE(int(lut.map(value)), expected);
}

void TestDisplayLut::matchesTransferEverywhere_data()
{
    QTest::addColumn<double>("exposure");
    QTest::addColumn<double>("gamma");
    QTest::newRow("identity") << 0.0 << 1.0;
    QTest::newRow("exposure +3.5") << 3.5 << 1.0;
    QTest::newRow("gamma 2.2") << 0.0 << 2.2;
    QTest::newRow("both") << -1.5 << 0.7;
}

void TestDisplayLut::matchesTransferEverywhere()
{
    // Across many magnitudes the table is within one 8-bit step of the
    // exact transfer (the 9-bit mantissa bucket is far below one step).
    QFETCH(double, exposure);
    QFETCH(double, gamma);
    DisplayLut lut;
    lut.build(DType::Float32, exposure, gamma);
    int worst = 0;
    for (double v = 1e-6; v < 1e4; v *= 1.0137) {
        const int exact = int(std::lround(255.0 * DisplayLut::transfer(v, exposure, gamma)));
        worst = std::max(worst, std::abs(exact - int(lut.map(float(v)))));
    }
    QVERIFY2(worst <= 1, qPrintable(QStringLiteral("worst error %1").arg(worst)));
}

void TestDisplayLut::integersAreScaledToUnit()
{
    DisplayLut lut;
    lut.build(DType::UInt16, 0.0, 1.0);
    QCOMPARE(int(lut.map(65535)), 255);
    QCOMPARE(int(lut.map(0)), 0);
    QCOMPARE(int(lut.map(257 * 100)), 100);
    lut.build(DType::UInt16, 8.0, 1.0); // 8-bit values stored in uint16, brightened 8 stops
    QCOMPARE(int(lut.map(100)), 100);
    lut.build(DType::UInt8, 0.0, 1.0);
    QCOMPARE(int(lut.map(42)), 42);
    lut.build(DType::UInt8, 1.0, 1.0);
    QCOMPARE(int(lut.map(42)), 84);
    QCOMPARE(int(lut.map(200)), 255);
    lut.build(DType::UInt8, 0.0, 2.0);
    QCOMPARE(int(lut.map(64)), 128); // sqrt(64/255) * 255 = 127.7
}

void TestDisplayLut::rebuildsOnlyWhenNeeded()
{
    DisplayLut lut;
    QVERIFY(lut.build(DType::Float32, 0.0, 1.0));
    QVERIFY(!lut.build(DType::Float32, 0.0, 1.0));
    QVERIFY(lut.build(DType::Float32, 1.0, 1.0));
    QVERIFY(lut.build(DType::Float16, 1.0, 1.0));
    QVERIFY(lut.build(DType::UInt8, 1.0, 1.0));
    QVERIFY(!lut.build(DType::UInt8, 1.0, 1.0));
    QVERIFY(lut.build(DType::UInt8, 2.0, 1.5));
}

void TestDisplayLut::levelsInStoredUnits_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<double>("gamma");
    QTest::addColumn<double>("offset");
    QTest::addColumn<float>("value");
    QTest::addColumn<int>("expected");
    QTest::newRow("uint8 20..220 at 120") << DType::UInt8 << 20.0 << 220.0 << 1.0 << 0.0 << 120.0f << 128;
    QTest::newRow("uint16 0..255 at 255") << DType::UInt16 << 0.0 << 255.0 << 1.0 << 0.0 << 255.0f << 255;
    QTest::newRow("uint16 0..255 at 0") << DType::UInt16 << 0.0 << 255.0 << 1.0 << 0.0 << 0.0f << 0;
    QTest::newRow("uint16 0..255 at 10000") << DType::UInt16 << 0.0 << 255.0 << 1.0 << 0.0 << 10000.0f << 255;
    QTest::newRow("float16 -1..1 at 0") << DType::Float16 << -1.0 << 1.0 << 1.0 << 0.0 << 0.0f << 128;
    QTest::newRow("float32 -1000..1000 at -500") << DType::Float32 << -1000.0 << 1000.0 << 1.0 << 0.0 << -500.0f << 64;
    QTest::newRow("float32 gamma 2.2") << DType::Float32 << 0.0 << 10.0 << 2.2 << 0.0 << 2.0f << 123;
    QTest::newRow("float32 offset") << DType::Float32 << 0.0 << 1.0 << 1.0 << 0.25 << 0.25f << 128;
}

void TestDisplayLut::levelsInStoredUnits()
{
    QFETCH(DType, dtype);
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(double, gamma);
    QFETCH(double, offset);
    QFETCH(float, value);
    QFETCH(int, expected);
    LutParams params;
    params.lo = lo;
    params.hi = hi;
    params.gamma = gamma;
    params.offset = offset;
    const double unit = std::clamp((value + offset - lo) / (hi - lo), 0.0, 1.0);
    QCOMPARE(int(std::lround(255.0 * std::pow(unit, 1.0 / gamma))), expected); // the documented rule
    DisplayLut lut;
    lut.build(dtype, params);
    QCOMPARE(int(lut.map(value)), expected);
}

void TestDisplayLut::srgbTransfer()
{
    LutParams params;
    params.transfer = Transfer::SRGB;
    DisplayLut lut;
    lut.build(DType::Float32, params);
    QCOMPARE(int(lut.map(0.0f)), 0);
    QCOMPARE(int(lut.map(1.0f)), 255);
    QCOMPARE(int(lut.map(0.18f)), 118); // middle grey
    QCOMPARE(int(lut.map(0.0031308f * 0.5f)), int(std::lround(255 * 12.92 * 0.0031308 * 0.5))); // the linear toe
}

QTEST_MAIN(TestDisplayLut)
#include "tst_displaylut.moc"
