// TracebackLinks: which `File "...", line N` become links, the deepest frame
// of a file, and the console's hrefs.
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextBlock>

#include "console/tracebacklinks.h"

using namespace livepix::gui;

class TestTracebackLinks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void findsOpenableFrames_data();
    void findsOpenableFrames();
    void deepestFrameOfAFile();
    void hrefRoundTrip_data();
    void hrefRoundTrip();
    void insertLinkedMakesAnchors();
    void addLinksAcrossColourRuns();
};

void TestTracebackLinks::findsOpenableFrames_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("line");
    QTest::newRow("frame") << "  File \"/home/u/x.py\", line 12, in f\n" << "/home/u/x.py" << 12;
    QTest::newRow("untitled buffer") << "  File \"<untitled-3>\", line 7, in <module>" << "<untitled-3>" << 7;
    QTest::newRow("syntax error") << "  File \"/tmp/a b.py\", line 2\n    x = (\n        ^\n" << "/tmp/a b.py" << 2;
    QTest::newRow("console pseudo file") << "  File \"<console>\", line 1, in <module>" << QString() << 0;
    QTest::newRow("frozen module") << "  File \"<frozen importlib._bootstrap>\", line 1178" << QString() << 0;
    QTest::newRow("relative path") << "  File \"x.py\", line 3" << QString() << 0;
    QTest::newRow("plain text") << "File is at line 3" << QString() << 0;
    QTest::newRow("IPython frame") << "File /home/u/x.py:12, in f()\n" << "/home/u/x.py" << 12;
    QTest::newRow("IPython untitled") << "File <untitled-2>:4" << "<untitled-2>" << 4;
    QTest::newRow("IPython cell") << "Cell In [3], line 2" << QString() << 0;
}

void TestTracebackLinks::findsOpenableFrames()
{
    QFETCH(QString, text);
    QFETCH(QString, path);
    QFETCH(int, line);
    const QList<TracebackLinks::Match> matches = TracebackLinks::find(text);
    QCOMPARE(matches.size(), path.isEmpty() ? 0 : 1);
    if (path.isEmpty())
        return;
    QCOMPARE(matches.first().location.path, path);
    QCOMPARE(matches.first().location.line, line);
    QVERIFY(text.mid(matches.first().start, matches.first().length).startsWith(QStringLiteral("File ")));
    QVERIFY(text.mid(matches.first().start, matches.first().length).endsWith(QString::number(line)));
}

void TestTracebackLinks::deepestFrameOfAFile()
{
    const QString traceback = QStringLiteral("Traceback (most recent call last):\n"
                                             "  File \"/s/run.py\", line 10, in <module>\n"
                                             "  File \"/s/run.py\", line 5, in outer\n"
                                             "  File \"/usr/lib/python3/dist-packages/numpy/core/x.py\", line 99, in f\n"
                                             "  File \"/s/run.py\", line 2, in inner\n"
                                             "  File \"/usr/lib/python3.11/json/__init__.py\", line 346, in loads\n"
                                             "ValueError: boom\n");
    QCOMPARE(TracebackLinks::deepestLine(traceback, QStringLiteral("/s/run.py")), 2);
    QCOMPARE(TracebackLinks::deepestLine(traceback, QStringLiteral("/s/other.py")), 0);
}

void TestTracebackLinks::hrefRoundTrip_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("path") << "/home/u/scripts/x.py";
    QTest::newRow("spaces and #") << "/tmp/my dir/#1 script.py";
    QTest::newRow("untitled") << "<untitled-12>";
}

void TestTracebackLinks::hrefRoundTrip()
{
    QFETCH(QString, path);
    const SourceLocation back = TracebackLinks::fromHref(TracebackLinks::toHref({path, 42}));
    QCOMPARE(back.path, path);
    QCOMPARE(back.line, 42);
    QCOMPARE(TracebackLinks::fromHref(QStringLiteral("https://example.com/#3")).line, 0);
}

void TestTracebackLinks::insertLinkedMakesAnchors()
{
    QTextDocument document;
    QTextCursor cursor(&document);
    const QString text = QStringLiteral("Traceback:\n  File \"/a/b.py\", line 4, in f\nNameError: x\n");
    TracebackLinks::insertLinked(cursor, text, QTextCharFormat());
    QCOMPARE(document.toPlainText(), text);
    QStringList hrefs;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isAnchor())
                hrefs << it.fragment().charFormat().anchorHref() + QLatin1Char('|') + it.fragment().text();
    QCOMPARE(hrefs, QStringList{TracebackLinks::toHref({QStringLiteral("/a/b.py"), 4}) +
                                QStringLiteral("|File \"/a/b.py\", line 4")});
}

void TestTracebackLinks::addLinksAcrossColourRuns()
{
    // IPython colours "File" and the path separately: the link spans both
    // runs and keeps their colours.
    QTextDocument document;
    QTextCursor cursor(&document);
    QTextCharFormat green, plain;
    green.setForeground(Qt::darkGreen);
    cursor.insertText(QStringLiteral("Traceback\n"), plain);
    const int start = cursor.position();
    cursor.insertText(QStringLiteral("File "), green);
    cursor.insertText(QStringLiteral("/a/b.py:4"), plain);
    cursor.insertText(QStringLiteral(", in f()\n"), green);
    TracebackLinks::addLinks(&document, start, cursor.position());
    QStringList linked;
    QList<QColor> colours;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isAnchor()) {
                QCOMPARE(it.fragment().charFormat().anchorHref(), TracebackLinks::toHref({QStringLiteral("/a/b.py"), 4}));
                linked << it.fragment().text();
                colours << it.fragment().charFormat().foreground().color();
            }
    QCOMPARE(linked.join(QString()), QStringLiteral("File /a/b.py:4"));
    QCOMPARE(colours.first(), QColor(Qt::darkGreen));
}

QTEST_MAIN(TestTracebackLinks)
#include "tst_tracebacklinks.moc"
