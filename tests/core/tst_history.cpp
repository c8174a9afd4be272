// History: units of work become labelled steps; undo/redo restore exact
// bytes; the clean mark follows the pixels; the budget drops oldest first.
#include <livepix/history.h>

#include <QtTest>

#include <cstring>
#include <vector>

using livepix::History;
using livepix::PixelBuffer;
using livepix::UndoBudget;

namespace {
std::vector<std::uint8_t> bytesOf(const PixelBuffer &buffer)
{
    return std::vector<std::uint8_t>(buffer.data(), buffer.data() + buffer.size());
}
} // namespace

class TestHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unitsBecomeLabelledSteps()
    {
        auto budget = std::make_shared<UndoBudget>();
        auto buffer = PixelBuffer::allocate(4 << 20);
        History history(buffer, budget);
        QCOMPARE(history.commit("nothing"), History::Commit::NoChange);
        QCOMPARE(history.count(), std::size_t(0));

        const auto zero = bytesOf(*buffer);
        std::memset(buffer->data(), 7, 10000);
        const auto sevens = bytesOf(*buffer);
        QCOMPARE(history.commit("a[:10000] = 7"), History::Commit::Added);
        std::memset(buffer->data() + (3 << 20), 9, 10);
        const auto nines = bytesOf(*buffer);
        QCOMPARE(history.commit("nine"), History::Commit::Added);

        const auto entries = history.entries();
        QCOMPARE(int(entries.size()), 2);
        QCOMPARE(QString::fromStdString(entries[0].label), QString("a[:10000] = 7"));
        QCOMPARE(entries[0].bytes, std::size_t(12288)); // three 4 KiB pages
        QCOMPARE(entries[1].bytes, std::size_t(4096));
        QCOMPARE(budget->used(), std::size_t(12288 + 4096));

        QVERIFY(history.undo());
        QVERIFY(bytesOf(*buffer) == sevens);
        QVERIFY(history.undo());
        QVERIFY(bytesOf(*buffer) == zero);
        QVERIFY(!history.undo());
        history.jumpTo(2);
        QVERIFY(bytesOf(*buffer) == nines);
        QCOMPARE(history.position(), std::size_t(2));
    }

    void newWorkDropsRedoSteps()
    {
        auto budget = std::make_shared<UndoBudget>();
        auto buffer = PixelBuffer::allocate(1 << 20);
        History history(buffer, budget);
        buffer->data()[0] = 1;
        history.commit("one");
        buffer->data()[1] = 2;
        history.commit("two");
        history.undo();
        QVERIFY(history.canRedo());
        buffer->data()[2] = 3;
        QCOMPARE(history.commit("three"), History::Commit::Added);
        QVERIFY(!history.canRedo());
        QCOMPARE(QString::fromStdString(history.entries().back().label), QString("three"));
        QCOMPARE(budget->used(), std::size_t(2 * 4096));
    }

    void cleanMarkFollowsThePixels()
    {
        auto budget = std::make_shared<UndoBudget>();
        auto buffer = PixelBuffer::allocate(1 << 20);
        History history(buffer, budget);
        QVERIFY(history.isClean());
        buffer->data()[0] = 1;
        history.commit("edit");
        QVERIFY(!history.isClean());
        history.undo();
        QVERIFY(history.isClean());
        history.redo();
        QVERIFY(!history.isClean());
        history.markClean(); // saved here
        history.undo();
        QVERIFY(!history.isClean());
        history.redo();
        QVERIFY(history.isClean());
        // Saved state lost in a dropped redo branch: never clean again.
        history.undo();
        buffer->data()[5] = 5;
        history.commit("other");
        QVERIFY(!history.isClean());
        history.undo();
        QVERIFY(!history.isClean());
    }

    void budgetDropsTheOldestStepOfAnyDocument()
    {
        auto budget = std::make_shared<UndoBudget>(3 * 4096);
        auto a = PixelBuffer::allocate(1 << 20);
        auto b = PixelBuffer::allocate(1 << 20);
        History historyA(a, budget);
        History historyB(b, budget);
        a->data()[0] = 1;
        historyA.commit("a1");
        b->data()[0] = 1;
        historyB.commit("b1");
        a->data()[8192] = 1;
        historyA.commit("a2");
        QCOMPARE(budget->used(), std::size_t(3 * 4096));
        b->data()[8192] = 1;
        historyB.commit("b2"); // over: a1 goes
        QCOMPARE(budget->used(), std::size_t(3 * 4096));
        QCOMPARE(int(historyA.count()), 1);
        QCOMPARE(QString::fromStdString(historyA.entries()[0].label), QString("a2"));
        QCOMPARE(int(historyB.count()), 2);
        budget->setLimit(4096);
        QCOMPARE(int(historyA.count() + historyB.count()), 1);
        QCOMPARE(QString::fromStdString(historyB.entries()[0].label), QString("b2"));
    }

    void stepsLargerThanTheBudgetAreRefusedAndSaySo()
    {
        auto budget = std::make_shared<UndoBudget>(8192);
        auto buffer = PixelBuffer::allocate(1 << 20);
        History history(buffer, budget);
        buffer->data()[0] = 1;
        history.commit("small");
        std::memset(buffer->data(), 3, 1 << 20);
        QCOMPARE(history.commit("fill"), History::Commit::NotUndoable);
        QVERIFY2(QString::fromStdString(history.lastProblem()).contains("\"fill\" cannot be undone"),
                 history.lastProblem().c_str());
        // Undoing "small" across the unrecorded fill would be wrong.
        QCOMPARE(int(history.count()), 0);
        QCOMPARE(budget->used(), std::size_t(0));
        QVERIFY(!history.isClean());
    }

    void unseenWritesMakeTheUnitNotUndoable()
    {
        auto budget = std::make_shared<UndoBudget>();
        auto buffer = PixelBuffer::allocate(1 << 20);
        History history(buffer, budget);
        buffer->data()[0] = 1;
        history.commit("seen");
        history.tracker().unprotectAll("f.readinto() wrote into the buffer");
        buffer->data()[1] = 1;
        QCOMPARE(history.commit("readinto"), History::Commit::NotUndoable);
        QVERIFY(QString::fromStdString(history.lastProblem()).contains("f.readinto()"));
        QCOMPARE(int(history.count()), 0);
    }

    void bufferOutlivesItsHistory()
    {
        auto budget = std::make_shared<UndoBudget>();
        auto buffer = PixelBuffer::allocate(1 << 20);
        {
            History history(buffer, budget);
            buffer->data()[0] = 1;
            history.commit("x");
        }
        QCOMPARE(budget->used(), std::size_t(0));
        buffer->data()[1] = 1; // still tracked, still writable
        QVERIFY(buffer->writeTracker()->hasOpenWrites());
    }
};

QTEST_APPLESS_MAIN(TestHistory)
#include "tst_history.moc"
