// PythonHighlighter: which characters get which colour.
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

#include "console/pythonhighlighter.h"

using livepix::gui::PythonHighlighter;
using Kind = PythonHighlighter::Kind;
Q_DECLARE_METATYPE(PythonHighlighter::Kind)

class TestPythonHighlighter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formats_data();
    void formats();
    void tripleQuotedStringSpansLines();
};

namespace {
/// Foreground colour the highlighter gave character `pos` of block `line`.
QColor colourAt(QTextDocument &doc, int line, int pos)
{
    const QTextBlock block = doc.findBlockByNumber(line);
    for (const QTextLayout::FormatRange &r : block.layout()->formats())
        if (pos >= r.start && pos < r.start + r.length)
            return r.format.foreground().color();
    return QColor();
}
} // namespace

void TestPythonHighlighter::formats_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("position");
    QTest::addColumn<Kind>("kind");
    QTest::newRow("keyword") << "for i in x:" << 0 << Kind::Keyword;
    QTest::newRow("builtin") << "print(1)" << 1 << Kind::Builtin;
    QTest::newRow("number") << "x = 3.5e2" << 5 << Kind::Number;
    QTest::newRow("string") << "s = 'a # b'" << 7 << Kind::String;
    QTest::newRow("comment") << "x = 1  # for 'quoted'" << 12 << Kind::Comment;
    QTest::newRow("decorator") << "@livepix.filter" << 3 << Kind::Decorator;
    QTest::newRow("def name") << "def brighten(a):" << 5 << Kind::Definition;
    QTest::newRow("keyword in string is string") << "'for'" << 1 << Kind::String;
}

void TestPythonHighlighter::formats()
{
    QFETCH(QString, code);
    QFETCH(int, position);
    QFETCH(Kind, kind);
    QTextDocument doc;
    PythonHighlighter highlighter(&doc);
    doc.setPlainText(code);
    highlighter.rehighlight();
    QCOMPARE(colourAt(doc, 0, position), highlighter.format(kind).foreground().color());
}

void TestPythonHighlighter::tripleQuotedStringSpansLines()
{
    QTextDocument doc;
    PythonHighlighter highlighter(&doc);
    doc.setPlainText(QStringLiteral("s = \"\"\"first\nfor inside\nend\"\"\" + 1"));
    highlighter.rehighlight();
    const QColor string = highlighter.format(Kind::String).foreground().color();
    QCOMPARE(colourAt(doc, 1, 0), string); // "for" inside the string
    QCOMPARE(colourAt(doc, 2, 0), string);
    QCOMPARE(colourAt(doc, 2, 9), highlighter.format(Kind::Number).foreground().color());
}

QTEST_MAIN(TestPythonHighlighter)
#include "tst_pythonhighlighter.moc"
