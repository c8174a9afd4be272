// contentHash(): equal pixels hash alike, any changed value changes the hash,
// and bytes outside the pixels (row padding, other channels) do not count.
#include <QtTest>

#include <livepix/contenthash.h>
#include <livepix/image.h>

using namespace livepix;

class TestContentHash : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equalPixelsHashAlike_data();
    void equalPixelsHashAlike();
    void oneChangedValueChangesTheHash();
    void paddingAndOtherChannelsDoNotCount();
    void layoutIsPartOfTheHash();
    void bytesHashSeesEveryBit();
};

namespace {
Image noise(int w, int h, int c, DType type, unsigned seed)
{
    Image image = Image::create(w, h, c, type);
    std::uint32_t state = seed;
    for (int y = 0; y < h; ++y) {
        std::uint8_t *row = image.row(y);
        for (std::size_t i = 0; i < std::size_t(w) * c * image.componentSize(); ++i) {
            state = state * 1664525u + 1013904223u;
            row[i] = std::uint8_t(state >> 24);
        }
    }
    return image;
}
} // namespace

void TestContentHash::equalPixelsHashAlike_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("dtype");
    QTest::newRow("rgba8 odd width") << 37 << 4 << int(DType::UInt8);
    QTest::newRow("gray16") << 64 << 1 << int(DType::UInt16);
    QTest::newRow("rgb f32") << 5 << 3 << int(DType::Float32);
    QTest::newRow("ya f16") << 1 << 2 << int(DType::Float16);
}

void TestContentHash::equalPixelsHashAlike()
{
    QFETCH(int, width);
    QFETCH(int, channels);
    QFETCH(int, dtype);
    const Image a = noise(width, 9, channels, DType(dtype), 7);
    const Image b = a.copy();
    QVERIFY(a.data() != b.data());
    QCOMPARE(contentHash(a), contentHash(b));
    QVERIFY(contentHash(a) != contentHash(noise(width, 9, channels, DType(dtype), 8)));
}

void TestContentHash::oneChangedValueChangesTheHash()
{
    const Image image = noise(100, 50, 4, DType::UInt8, 1);
    const std::uint64_t before = contentHash(image);
    for (auto [x, y, c] : {std::tuple{0, 0, 0}, {99, 49, 3}, {50, 25, 2}, {7, 31, 1}}) {
        image.at<std::uint8_t>(x, y, c) ^= 1; // one bit
        QVERIFY2(contentHash(image) != before, qPrintable(QStringLiteral("%1,%2,%3").arg(x).arg(y).arg(c)));
        image.at<std::uint8_t>(x, y, c) ^= 1;
        QCOMPARE(contentHash(image), before);
    }
}

void TestContentHash::paddingAndOtherChannelsDoNotCount()
{
    const Image image = noise(3, 4, 3, DType::UInt8, 2); // 9-byte rows padded to 64
    QVERIFY(image.yStride() > 9);
    const std::uint64_t before = contentHash(image);
    image.row(1)[20] ^= 0xff; // padding
    QCOMPARE(contentHash(image), before);

    // A channel view hashes like a copy of those channels; the other channels
    // (between its pixels) do not count.
    const Image rg = image.channelView(0, 2);
    const std::uint64_t rgHash = contentHash(rg);
    QCOMPARE(rgHash, contentHash(rg.copy()));
    image.at<std::uint8_t>(1, 1, 2) ^= 0xff;
    QCOMPARE(contentHash(rg), rgHash);
    // A crop likewise.
    const Image crop = image.view(1, 1, 2, 2);
    QCOMPARE(contentHash(crop), contentHash(crop.copy()));
}

void TestContentHash::layoutIsPartOfTheHash()
{
    // The same 8 zero bytes as 8x1 gray, 4x1 gray+alpha and 2x1 gray16 differ.
    const std::uint64_t a = contentHash(Image::create(8, 1, 1, DType::UInt8));
    const std::uint64_t b = contentHash(Image::create(4, 1, 2, DType::UInt8));
    const std::uint64_t c = contentHash(Image::create(4, 1, 1, DType::UInt16));
    QVERIFY(a != b && b != c && a != c);
    QCOMPARE(contentHash(Image()), std::uint64_t(0));
}

// bytesHash() fingerprints parts of rows (BlockPrints): equal bytes hash
// alike wherever they sit, and flipping any one bit of a block, including
// the bytes past its last whole 32-byte group, changes it.
void TestContentHash::bytesHashSeesEveryBit()
{
    const Image image = noise(1000, 2, 1, DType::UInt8, 5);
    std::vector<std::uint8_t> bytes(image.row(0), image.row(0) + 1000);
    const std::size_t size = 1000; // 31 groups of 32 and 8 more
    const std::uint64_t original = livepix::bytesHash(bytes.data(), size);
    std::vector<std::uint8_t> shifted(size + 3);
    std::copy(bytes.begin(), bytes.end(), shifted.begin() + 3);
    QCOMPARE(livepix::bytesHash(shifted.data() + 3, size), original);
    for (std::size_t i = 0; i < size; ++i)
        for (int bit = 0; bit < 8; ++bit) {
            bytes[i] ^= std::uint8_t(1 << bit);
            if (livepix::bytesHash(bytes.data(), size) == original)
                QFAIL(qPrintable(QStringLiteral("flipping bit %1 of byte %2 kept the hash").arg(bit).arg(i)));
            bytes[i] ^= std::uint8_t(1 << bit);
        }
    QVERIFY(livepix::bytesHash(bytes.data(), size - 1) != original);
}

QTEST_MAIN(TestContentHash)
#include "tst_contenthash.moc"
