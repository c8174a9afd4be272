// BlockPrints: which rows and which bytes of them changed since they were
// last printed, with unprinted and forgotten rows counting as wholly changed.
#include <QtTest>

#include <livepix/image.h>

#include "viewer/blockprints.h"

using namespace livepix;
using namespace livepix::gui;

namespace {
constexpr std::size_t Block = BlockPrints::BlockBytes;

/// 1500 RGBA8 pixels a row: 6000 bytes, two whole blocks and a part.
Image rowsOf1500(int height)
{
    Image image = Image::create(1500, height, 4, DType::UInt8);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < 1500; ++x)
            for (int c = 0; c < 4; ++c)
                image.at<std::uint8_t>(x, y, c) = std::uint8_t(x * 7 + y * 3 + c);
    return image;
}
} // namespace

class TestBlockPrints : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unprintedRowsChangeWhole();
    void changeIsTheBlocksAndRowsThatDiffer();
    void forgottenRowsChangeWhole();
    void lastPartialBlockCounts();
    void supportsForwardInterleavedOnly();
    void bandsAddUpToTheWholeUpdate();
};

void TestBlockPrints::unprintedRowsChangeWhole()
{
    Image image = rowsOf1500(10);
    BlockPrints prints;
    prints.reset(image);
    const BlockPrints::Change change = prints.update(image, 2, 5);
    QCOMPARE(change.firstRow, 2);
    QCOMPARE(change.lastRow, 5);
    QCOMPARE(change.firstByte, std::size_t(0));
    QCOMPARE(change.lastByte, std::size_t(6000));
    QVERIFY(prints.update(image, 2, 5).isEmpty()); // printed now, unchanged
}

void TestBlockPrints::changeIsTheBlocksAndRowsThatDiffer()
{
    Image image = rowsOf1500(10);
    BlockPrints prints;
    prints.reset(image);
    prints.update(image, 0, 10);
    // Pixel 600 is bytes 2400..2403: the second block. Rows 3 and 6.
    image.at<std::uint8_t>(600, 3, 1) ^= 1;
    image.at<std::uint8_t>(600, 6, 2) ^= 1;
    const BlockPrints::Change change = prints.update(image, 0, 10);
    QCOMPARE(change.firstRow, 3);
    QCOMPARE(change.lastRow, 7);
    QCOMPARE(change.firstByte, Block);
    QCOMPARE(change.lastByte, 2 * Block);
    // A change outside the rows asked about is not seen, nor printed.
    image.at<std::uint8_t>(0, 8, 0) ^= 1;
    QVERIFY(prints.update(image, 0, 8).isEmpty());
    QCOMPARE(prints.update(image, 8, 9).firstByte, std::size_t(0));
}

void TestBlockPrints::forgottenRowsChangeWhole()
{
    Image image = rowsOf1500(10);
    BlockPrints prints;
    prints.reset(image);
    prints.update(image, 0, 10);
    prints.forget(4, 6);
    const BlockPrints::Change change = prints.update(image, 0, 10);
    QCOMPARE(change.firstRow, 4);
    QCOMPARE(change.lastRow, 6);
    QCOMPARE(change.lastByte, std::size_t(6000));
    prints.update(image, 0, 10);
    prints.reset(image);
    QCOMPARE(prints.update(image, 0, 10).lastRow, 10);
}

void TestBlockPrints::lastPartialBlockCounts()
{
    Image image = rowsOf1500(4);
    BlockPrints prints;
    prints.reset(image);
    prints.update(image, 0, 4);
    image.at<std::uint8_t>(1499, 1, 3) ^= 1; // byte 5999, in the part block
    const BlockPrints::Change change = prints.update(image, 0, 4);
    QCOMPARE(change.firstRow, 1);
    QCOMPARE(change.lastRow, 2);
    QCOMPARE(change.firstByte, 2 * Block);
    QCOMPARE(change.lastByte, std::size_t(6000));
}

void TestBlockPrints::supportsForwardInterleavedOnly()
{
    const Image image = rowsOf1500(4);
    QVERIFY(BlockPrints::supports(image));
    QVERIFY(!BlockPrints::supports(Image()));
    QVERIFY(!BlockPrints::supports(image.channelView(1, 1))); // one channel of four: not interleaved
}

// Bands of one update (as the pipeline's helpers print them) widen one
// change to what a single update over all rows reports.
void TestBlockPrints::bandsAddUpToTheWholeUpdate()
{
    Image image = rowsOf1500(12);
    BlockPrints whole;
    BlockPrints banded;
    whole.reset(image);
    banded.reset(image);
    whole.update(image, 0, 12);
    banded.update(image, 0, 12);
    image.at<std::uint8_t>(10, 2, 0) ^= 1;   // row 2, first block
    image.at<std::uint8_t>(1400, 9, 0) ^= 1; // row 9, last block
    const BlockPrints::Change expected = whole.update(image, 0, 12);
    banded.prepare();
    BlockPrints::Change sum;
    for (int first = 0; first < 12; first += 4)
        sum.add(banded.update(image, first, first + 4)); // rows 4..7 add an empty change
    QCOMPARE(sum.firstRow, expected.firstRow);
    QCOMPARE(sum.lastRow, expected.lastRow);
    QCOMPARE(sum.firstByte, std::size_t(0));
    QCOMPARE(sum.lastByte, std::size_t(6000));
    QCOMPARE(expected.firstRow, 2);
    QCOMPARE(expected.lastRow, 10);
}

QTEST_GUILESS_MAIN(TestBlockPrints)
#include "tst_blockprints.moc"
