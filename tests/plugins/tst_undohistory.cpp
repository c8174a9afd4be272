// UndoHistory: swap-based undo/redo per document within one memory budget.
#include <QTest>

#include "pluginhost/undohistory.h"

using namespace livepix;
using livepix::gui::UndoHistory;

namespace {
/// Sets every component of an 10x10 RGB uint8 image to `value`; returns the previous copy.
Image paint(const Image &image, int value)
{
    Image before = image.copy();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < image.channels(); ++c)
                image.at<std::uint8_t>(x, y, c) = std::uint8_t(value);
    return before;
}
int valueOf(const Image &image) { return image.at<std::uint8_t>(9, 9, 2); }
const int a = 1, b = 2; // two owners
} // namespace

class TestUndoHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void undoRedoSwapsPixels();
    void pushDropsRedo();
    void budgetDropsOldestFirst();
    void tooLargeIsNotKept();
    void ownersAreSeparate();
};

void TestUndoHistory::undoRedoSwapsPixels()
{
    UndoHistory history(1 << 20);
    const Image image = Image::create(10, 10, 3, DType::UInt8);
    history.push(&a, "one", image, paint(image, 1));
    history.push(&a, "two", image, paint(image, 2));
    QCOMPARE(history.usedBytes(), std::size_t(600));
    QCOMPARE(history.undoText(&a), std::string("two"));
    const auto revision = image.revision();
    QVERIFY(!history.undo(&a).isNull());
    QVERIFY(image.revision() > revision);
    QCOMPARE(valueOf(image), 1);
    history.undo(&a);
    QCOMPARE(valueOf(image), 0);
    QVERIFY(history.undo(&a).isNull());
    QCOMPARE(history.redoText(&a), std::string("one"));
    history.redo(&a);
    QCOMPARE(valueOf(image), 1);
    history.redo(&a);
    QCOMPARE(valueOf(image), 2);
    QVERIFY(!history.canRedo(&a));
    QCOMPARE(history.usedBytes(), std::size_t(600)); // swaps allocate nothing
}

void TestUndoHistory::pushDropsRedo()
{
    UndoHistory history(1 << 20);
    const Image image = Image::create(10, 10, 3, DType::UInt8);
    history.push(&a, "one", image, paint(image, 1));
    history.push(&a, "two", image, paint(image, 2));
    history.undo(&a);
    history.push(&a, "three", image, paint(image, 3));
    QCOMPARE(history.count(&a), 2);
    QVERIFY(!history.canRedo(&a));
    history.undo(&a);
    QCOMPARE(valueOf(image), 1);
}

void TestUndoHistory::budgetDropsOldestFirst()
{
    UndoHistory history(700); // two steps of 300 bytes fit, three do not
    const Image image = Image::create(10, 10, 3, DType::UInt8);
    const Image other = Image::create(10, 10, 3, DType::UInt8);
    history.push(&a, "a1", image, paint(image, 1));
    history.push(&b, "b1", other, paint(other, 5));
    history.push(&a, "a2", image, paint(image, 2));
    QCOMPARE(history.usedBytes(), std::size_t(600));
    QCOMPARE(history.count(&a), 1); // a1 was the oldest overall
    QCOMPARE(history.count(&b), 1);
    history.undo(&a);
    QCOMPARE(valueOf(image), 1);
    QVERIFY(!history.canUndo(&a));
    history.setBudget(300);
    QCOMPARE(history.usedBytes(), std::size_t(300));
}

void TestUndoHistory::tooLargeIsNotKept()
{
    UndoHistory history(299);
    const Image image = Image::create(10, 10, 3, DType::UInt8);
    QVERIFY(!history.fits(image));
    QVERIFY(!history.push(&a, "big", image, paint(image, 1)));
    QVERIFY(!history.canUndo(&a));
    QCOMPARE(history.usedBytes(), std::size_t(0));
}

void TestUndoHistory::ownersAreSeparate()
{
    UndoHistory history(1 << 20);
    const Image image = Image::create(10, 10, 3, DType::UInt8);
    history.push(&a, "one", image, paint(image, 1));
    QVERIFY(!history.canUndo(&b));
    history.clear(&a);
    QVERIFY(!history.canUndo(&a));
    QCOMPARE(history.usedBytes(), std::size_t(0));
}

QTEST_GUILESS_MAIN(TestUndoHistory)
#include "tst_undohistory.moc"
