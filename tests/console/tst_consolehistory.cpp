// ConsoleHistory: navigation like a shell, persistence across runs.
#include <QTemporaryDir>
#include <QTest>

#include "console/consolehistory.h"

using livepix::gui::ConsoleHistory;

class TestConsoleHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void navigatesAndKeepsDraft();
    void skipsBlankAndRepeats();
    void persistsAcrossInstances();
    void keepsAtMostMaxEntries();
};

void TestConsoleHistory::navigatesAndKeepsDraft()
{
    ConsoleHistory h{QString()};
    h.add(QStringLiteral("a = 1"));
    h.add(QStringLiteral("for i in range(3):\n    print(i)\n"));
    QString e;
    QVERIFY(h.previous(QStringLiteral("draft"), &e));
    QCOMPARE(e, QStringLiteral("for i in range(3):\n    print(i)\n"));
    QVERIFY(h.previous(e, &e));
    QCOMPARE(e, QStringLiteral("a = 1"));
    QVERIFY(!h.previous(e, &e)); // oldest
    QVERIFY(h.next(&e));
    QCOMPARE(e, QStringLiteral("for i in range(3):\n    print(i)\n"));
    QVERIFY(h.next(&e));
    QCOMPARE(e, QStringLiteral("draft"));
    QVERIFY(!h.next(&e));
}

void TestConsoleHistory::skipsBlankAndRepeats()
{
    ConsoleHistory h{QString()};
    h.add(QStringLiteral("x"));
    h.add(QStringLiteral("x"));
    h.add(QStringLiteral("   "));
    h.add(QString());
    QCOMPARE(h.entries(), QStringList{QStringLiteral("x")});
}

void TestConsoleHistory::persistsAcrossInstances()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/history.json"));
    {
        ConsoleHistory h(path);
        h.add(QStringLiteral("print('one')"));
        h.add(QStringLiteral("if x:\n    y = \"two\"\n"));
    }
    ConsoleHistory again(path);
    QCOMPARE(again.entries(),
             (QStringList{QStringLiteral("print('one')"), QStringLiteral("if x:\n    y = \"two\"\n")}));
}

void TestConsoleHistory::keepsAtMostMaxEntries()
{
    ConsoleHistory h{QString()};
    for (int i = 0; i < ConsoleHistory::MaxEntries + 10; ++i)
        h.add(QString::number(i));
    QCOMPARE(h.entries().size(), ConsoleHistory::MaxEntries);
    QCOMPARE(h.entries().first(), QStringLiteral("10"));
}

QTEST_GUILESS_MAIN(TestConsoleHistory)
#include "tst_consolehistory.moc"
