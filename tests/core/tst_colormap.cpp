// Colormaps: the compiled-in tables, by name, with known entries of the
// published maps (tests/python/test_colormaps.py checks every entry against
// matplotlib's copies).
#include <QtTest>

#include <livepix/colormap.h>

using namespace livepix;

class TestColormap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesInMenuOrder();
    void findIgnoresCase();
    void knownEntries_data();
    void knownEntries();
    void sequentialMapsGetBrighter_data();
    void sequentialMapsGetBrighter();
};

using Rgb = std::array<std::uint8_t, 3>;

void TestColormap::namesInMenuOrder()
{
    QStringList names;
    for (const Colormap *map : colormaps())
        names << QString::fromLatin1(map->name.data(), int(map->name.size()));
    QCOMPARE(names, QStringList({"gray", "viridis", "magma", "inferno", "plasma", "cividis", "turbo", "coolwarm"}));
    for (const Colormap *map : colormaps())
        QCOMPARE(map->diverging, map->name == "coolwarm");
}

void TestColormap::findIgnoresCase()
{
    QCOMPARE(findColormap("Viridis"), colormaps()[1]);
    QCOMPARE(findColormap("TURBO"), colormaps()[6]);
    QCOMPARE(findColormap("jet"), nullptr);
    QCOMPARE(findColormap(""), nullptr);
}

void TestColormap::knownEntries_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("r");
    QTest::addColumn<int>("g");
    QTest::addColumn<int>("b");
    // round(255 * v) of the published float entries.
    QTest::newRow("viridis 0") << "viridis" << 0 << 68 << 1 << 84;
    QTest::newRow("viridis 255") << "viridis" << 255 << 253 << 231 << 37;
    QTest::newRow("viridis 128") << "viridis" << 128 << 33 << 145 << 140; // 0.128729, 0.566949, 0.550556
    QTest::newRow("magma 0") << "magma" << 0 << 0 << 0 << 4;
    QTest::newRow("magma 255") << "magma" << 255 << 252 << 253 << 191;
    QTest::newRow("inferno 255") << "inferno" << 255 << 252 << 255 << 164;
    QTest::newRow("plasma 0") << "plasma" << 0 << 13 << 8 << 135;
    QTest::newRow("plasma 255") << "plasma" << 255 << 240 << 249 << 33;
    QTest::newRow("cividis 0") << "cividis" << 0 << 0 << 34 << 78;
    QTest::newRow("cividis 255") << "cividis" << 255 << 254 << 232 << 56;
    QTest::newRow("turbo 0") << "turbo" << 0 << 48 << 18 << 59;
    QTest::newRow("turbo 255") << "turbo" << 255 << 122 << 4 << 3;
    QTest::newRow("coolwarm 0") << "coolwarm" << 0 << 59 << 76 << 192;
    QTest::newRow("coolwarm 255") << "coolwarm" << 255 << 180 << 4 << 38;
    QTest::newRow("gray 77") << "gray" << 77 << 77 << 77 << 77;
}

void TestColormap::knownEntries()
{
    QFETCH(QString, name);
    QFETCH(int, index);
    QFETCH(int, r);
    QFETCH(int, g);
    QFETCH(int, b);
    const Colormap *map = findColormap(name.toStdString());
    QVERIFY(map);
    const Rgb want{std::uint8_t(r), std::uint8_t(g), std::uint8_t(b)};
    QCOMPARE(map->rgb[std::size_t(index)], want);
}

void TestColormap::sequentialMapsGetBrighter_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"gray", "viridis", "magma", "inferno", "plasma", "cividis"})
        QTest::newRow(name) << name;
}

void TestColormap::sequentialMapsGetBrighter()
{
    // A scrambled or truncated table would break this: the perceptually
    // uniform maps rise in lightness from entry to entry.
    QFETCH(QString, name);
    const Colormap *map = findColormap(name.toStdString());
    auto luma = [&](int i) {
        const Rgb &c = map->rgb[std::size_t(i)];
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    for (int i = 8; i < 256; i += 8)
        QVERIFY2(luma(i) > luma(i - 8), qPrintable(QStringLiteral("entry %1").arg(i)));
}

QTEST_GUILESS_MAIN(TestColormap)
#include "tst_colormap.moc"
