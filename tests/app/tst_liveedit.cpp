// LiveEdit: the one live-repaint path. Tokens nest, several sources share
// one clock, the clock stops with the last token, and releasing it repaints.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <utility>

#include "viewer/liveedit.h"
#include "viewer/viewer.h"

using namespace livepix::gui;

class TestLiveEdit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void noTokenNoRepaint();
    void tickWhileHeldAndRepaintOnRelease();
    void nestedTokensShareOneClock();
    void twoSourcesAtOnce();
    void flushRepaintsWithoutReleasing();
    void moveKeepsOneClaim();
    void dropStopsWithoutRepaint();
    void viewerGoneFirst();

private:
    LiveEditClock *clock() const { return LiveEditClock::of(m_viewer.get()); }
    std::unique_ptr<Viewer> m_viewer;
};

void TestLiveEdit::init()
{
    m_viewer = std::make_unique<Viewer>();
    clock()->setInterval(10);
}

void TestLiveEdit::cleanup() { m_viewer.reset(); }

void TestLiveEdit::noTokenNoRepaint()
{
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    QVERIFY(!clock()->isTicking());
    QTest::qWait(60);
    QCOMPARE(repaints.count(), 0);
}

void TestLiveEdit::tickWhileHeldAndRepaintOnRelease()
{
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    {
        LiveEdit edit(m_viewer.get());
        QVERIFY(edit.isActive());
        QVERIFY(clock()->isTicking());
        QCOMPARE(clock()->activeCount(), 1);
        QTRY_VERIFY(repaints.count() >= 3); // the clock ticks while the token lives
        repaints.clear();
    }
    // Released: exactly one more repaint, at once, and the clock stops.
    QCOMPARE(repaints.count(), 1);
    QVERIFY(!clock()->isTicking());
    QCOMPARE(clock()->activeCount(), 0);
    QTest::qWait(60);
    QCOMPARE(repaints.count(), 1);
}

void TestLiveEdit::nestedTokensShareOneClock()
{
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    LiveEdit outer(m_viewer.get());
    {
        LiveEdit inner(m_viewer.get());
        QCOMPARE(clock()->activeCount(), 2);
        QCOMPARE(m_viewer->findChildren<LiveEditClock *>().size(), 1);
    }
    // The inner release is not the last one: no repaint of its own, still ticking.
    QCOMPARE(repaints.count(), 0);
    QVERIFY(clock()->isTicking());
    outer.release();
    QCOMPARE(repaints.count(), 1);
    QVERIFY(!clock()->isTicking());
    outer.release(); // twice is harmless
    QCOMPARE(repaints.count(), 1);
}

void TestLiveEdit::twoSourcesAtOnce()
{
    // A "script" and a "filter" hold tokens over overlapping spans: one clock
    // ticks from the first start to the last end, never at double rate.
    clock()->setInterval(20);
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    auto script = std::make_unique<LiveEdit>(m_viewer.get());
    QTest::qWait(50);
    auto filter = std::make_unique<LiveEdit>(m_viewer.get());
    QCOMPARE(clock()->activeCount(), 2);
    repaints.clear();
    QElapsedTimer both;
    both.start();
    QTest::qWait(200);
    const int ticks = repaints.count();
    // One timer: at most one tick per interval (plus scheduling slack).
    QVERIFY2(ticks <= both.elapsed() / 20 + 1, qPrintable(QString::number(ticks)));
    QVERIFY(ticks >= 2);
    script.reset();
    QVERIFY(clock()->isTicking()); // the filter still writes
    repaints.clear();
    filter.reset();
    QCOMPARE(repaints.count(), 1);
    QVERIFY(!clock()->isTicking());
}

void TestLiveEdit::flushRepaintsWithoutReleasing()
{
    clock()->setInterval(100000);
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    LiveEdit edit(m_viewer.get());
    edit.flush();
    QCOMPARE(repaints.count(), 1);
    QVERIFY(edit.isActive());
    QVERIFY(clock()->isTicking());
    LiveEdit().flush(); // an empty token does nothing
    QCOMPARE(repaints.count(), 1);
}

void TestLiveEdit::moveKeepsOneClaim()
{
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    LiveEdit a(m_viewer.get());
    LiveEdit b(std::move(a));
    QVERIFY(!a.isActive());
    QVERIFY(b.isActive());
    QCOMPARE(clock()->activeCount(), 1);
    LiveEdit c;
    c = std::move(b);
    QCOMPARE(clock()->activeCount(), 1);
    c = LiveEdit(m_viewer.get()); // replaces (releases) the old claim
    QCOMPARE(clock()->activeCount(), 1);
    c.release();
    QCOMPARE(clock()->activeCount(), 0);
    QVERIFY(!clock()->isTicking());
}

void TestLiveEdit::dropStopsWithoutRepaint()
{
    clock()->setInterval(100000);
    QSignalSpy repaints(clock(), &LiveEditClock::ticked);
    LiveEdit edit(m_viewer.get());
    edit.drop();
    QVERIFY(!clock()->isTicking());
    QCOMPARE(repaints.count(), 0);
}

void TestLiveEdit::viewerGoneFirst()
{
    LiveEdit edit(m_viewer.get());
    m_viewer.reset(); // the clock goes with its viewer
    QVERIFY(!edit.isActive());
    edit.release(); // nothing to touch
    QVERIFY(!LiveEdit(nullptr).isActive());
    m_viewer = std::make_unique<Viewer>();
}

QTEST_MAIN(TestLiveEdit)
#include "tst_liveedit.moc"
