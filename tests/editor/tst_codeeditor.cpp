// CodeEditor, FindReplaceBar and ScriptRange without Python: comment
// toggle, indent/outdent, find/replace, and what each run sends.
#include <QLineEdit>
#include <QTest>
#include <QTextBlock>

#include "editor/codeeditor.h"
#include "editor/findreplacebar.h"
#include "editor/scriptrange.h"

using namespace livepix::gui;

class TestCodeEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void toggleCommentOnSelectedLines_data();
    void toggleCommentOnSelectedLines();
    void tabAndShiftTabIndentAndOutdentSelectedLines();
    void tabWithoutSelectionInsertsSpacesToTheNextStop();
    void enterKeepsTheIndentAndOpensBlocks();
    void findWrapsAndGoesBackward();
    void replaceAndReplaceAll();
    void escapeClosesTheFindBar();
    void errorMarkClearsWhenTheTextChanges();
    void rangesOfEachRun();
    void runLabels();

private:
    /// Selects 1-based lines first..last (from the start of `first` to the
    /// end of `last`).
    void selectLines(int first, int last);

    CodeEditor *m_editor = nullptr;
};

void TestCodeEditor::init()
{
    m_editor = new CodeEditor;
    m_editor->resize(500, 300);
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor));
    m_editor->setFocus();
}

void TestCodeEditor::cleanup() { delete m_editor; }

void TestCodeEditor::selectLines(int first, int last)
{
    QTextCursor cursor(m_editor->document()->findBlockByNumber(first - 1));
    const QTextBlock end = m_editor->document()->findBlockByNumber(last - 1);
    cursor.setPosition(end.position() + end.length() - 1, QTextCursor::KeepAnchor);
    m_editor->setTextCursor(cursor);
}

void TestCodeEditor::toggleCommentOnSelectedLines_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last");
    QTest::addColumn<QString>("commented");
    QTest::newRow("at the smallest indent, blank lines kept")
        << "a = 1\n    b = 2\n\nc = 3\n" << 1 << 3 << "# a = 1\n#     b = 2\n\nc = 3\n";
    QTest::newRow("indented block") << "def f():\n    x = 1\n    y = 2\n" << 2 << 3
                                    << "def f():\n    # x = 1\n    # y = 2\n";
    QTest::newRow("mixed: comments every line") << "# a\nb\n" << 1 << 2 << "# # a\n# b\n";
}

void TestCodeEditor::toggleCommentOnSelectedLines()
{
    QFETCH(QString, text);
    QFETCH(int, first);
    QFETCH(int, last);
    QFETCH(QString, commented);
    m_editor->setPlainText(text);
    selectLines(first, last);
    m_editor->toggleComment();
    QCOMPARE(m_editor->toPlainText(), commented);
    // The lines stay selected: toggling again gives the text back...
    m_editor->toggleComment();
    QCOMPARE(m_editor->toPlainText(), text);
    // ...and each toggle is one undo step.
    m_editor->undo();
    QCOMPARE(m_editor->toPlainText(), commented);
}

void TestCodeEditor::tabAndShiftTabIndentAndOutdentSelectedLines()
{
    const QString text = QStringLiteral("for i in range(3):\nprint(i)\n\n  x = i\nend = 1");
    m_editor->setPlainText(text);
    selectLines(2, 4);
    QTest::keyClick(m_editor, Qt::Key_Tab);
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("for i in range(3):\n    print(i)\n\n      x = i\nend = 1"));
    QTest::keyClick(m_editor, Qt::Key_Backtab, Qt::ShiftModifier);
    QCOMPARE(m_editor->toPlainText(), text);
    // Outdent takes what indent there is (at most four spaces) per line.
    QTest::keyClick(m_editor, Qt::Key_Backtab, Qt::ShiftModifier);
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("for i in range(3):\nprint(i)\n\nx = i\nend = 1"));
    m_editor->undo();
    QCOMPARE(m_editor->toPlainText(), text);
}

void TestCodeEditor::tabWithoutSelectionInsertsSpacesToTheNextStop()
{
    m_editor->setPlainText(QStringLiteral("ab"));
    QTextCursor cursor = m_editor->textCursor();
    cursor.setPosition(1);
    m_editor->setTextCursor(cursor);
    QTest::keyClick(m_editor, Qt::Key_Tab);
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("a   b"));
}

void TestCodeEditor::enterKeepsTheIndentAndOpensBlocks()
{
    m_editor->setPlainText(QString());
    QTest::keyClicks(m_editor, QStringLiteral("for y in ys:"));
    QTest::keyClick(m_editor, Qt::Key_Return);
    QTest::keyClicks(m_editor, QStringLiteral("a = y"));
    QTest::keyClick(m_editor, Qt::Key_Return);
    QTest::keyClicks(m_editor, QStringLiteral("b = a"));
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("for y in ys:\n    a = y\n    b = a"));
}

void TestCodeEditor::findWrapsAndGoesBackward()
{
    FindReplaceBar bar(m_editor);
    m_editor->setPlainText(QStringLiteral("x = 1\ny = X + x\nz = x"));
    bar.open(false);
    QVERIFY(bar.isVisible());
    bar.findField()->setText(QStringLiteral("x"));
    QVERIFY(bar.findNext());
    QCOMPARE(m_editor->textCursor().selectionStart(), 0);
    QVERIFY(bar.findNext()); // "X" matches: case-insensitive by default
    QCOMPARE(m_editor->textCursor().selectionStart(), 10);
    bar.setCaseSensitive(true);
    QVERIFY(bar.findNext());
    QCOMPARE(m_editor->textCursor().selectionStart(), 14);
    QVERIFY(bar.findNext());
    QCOMPARE(m_editor->textCursor().selectionStart(), 20);
    QVERIFY(bar.findNext()); // wraps to the first
    QCOMPARE(m_editor->textCursor().selectionStart(), 0);
    QVERIFY(bar.findNext(true)); // backward wraps to the last
    QCOMPARE(m_editor->textCursor().selectionStart(), 20);
    bar.findField()->setText(QStringLiteral("nowhere"));
    QVERIFY(!bar.findNext());
}

void TestCodeEditor::replaceAndReplaceAll()
{
    FindReplaceBar bar(m_editor);
    m_editor->setPlainText(QStringLiteral("img = a\nb = img + img\n"));
    bar.open(true);
    QVERIFY(bar.replaceField()->isVisible());
    bar.findField()->setText(QStringLiteral("img"));
    bar.replaceField()->setText(QStringLiteral("image"));
    QVERIFY(bar.findNext());
    QVERIFY(bar.replaceCurrent()); // replaces the first, selects the second
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("image = a\nb = img + img\n"));
    QCOMPARE(m_editor->textCursor().selectedText(), QStringLiteral("img"));
    QCOMPARE(bar.replaceAll(), 2);
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("image = a\nb = image + image\n"));
    m_editor->undo(); // Replace All is one step
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("image = a\nb = img + img\n"));
    // A replacement that contains the text it replaces does not loop.
    bar.replaceField()->setText(QStringLiteral("img_img"));
    QCOMPARE(bar.replaceAll(), 2);
    QCOMPARE(m_editor->toPlainText(), QStringLiteral("image = a\nb = img_img + img_img\n"));
}

void TestCodeEditor::escapeClosesTheFindBar()
{
    FindReplaceBar bar(m_editor);
    bar.open(false);
    QVERIFY(bar.isVisible());
    QTest::keyClick(bar.findField(), Qt::Key_Escape);
    QVERIFY(!bar.isVisible());
}

void TestCodeEditor::errorMarkClearsWhenTheTextChanges()
{
    m_editor->setPlainText(QStringLiteral("a\nb\nc\n"));
    m_editor->goToLine(2);
    QCOMPARE(m_editor->currentLine(), 2);
    m_editor->markErrorLine(2);
    QCOMPARE(m_editor->errorLine(), 2);
    QCoreApplication::processEvents();
    QCOMPARE(m_editor->errorLine(), 2);
    QTest::keyClicks(m_editor, QStringLiteral("x"));
    QTRY_COMPARE(m_editor->errorLine(), 0);
}

void TestCodeEditor::rangesOfEachRun()
{
    m_editor->setPlainText(QStringLiteral("a = 1\ndef f():\n    b = 2\n    c = b\nd = 4"));
    QCOMPARE(ScriptRange::whole(m_editor->document()).source, m_editor->toPlainText());

    selectLines(3, 4); // a block inside a function body runs dedented
    ScriptRange range = ScriptRange::selectionOrLine(m_editor);
    QCOMPARE(range.source, QStringLiteral("b = 2\nc = b\n"));
    QCOMPARE(range.firstLine, 3);
    QCOMPARE(range.lastLine, 4);

    m_editor->goToLine(4); // no selection: the cursor's line
    range = ScriptRange::selectionOrLine(m_editor);
    QCOMPARE(range.source, QStringLiteral("c = b\n"));
    QCOMPARE(range.firstLine, 4);

    QTextCursor cursor(m_editor->document()->findBlockByNumber(3));
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor); // "    c = b"
    cursor.setPosition(cursor.block().position() + 8, QTextCursor::MoveAnchor);
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor); // just "b"
    m_editor->setTextCursor(cursor);
    range = ScriptRange::selectionOrLine(m_editor);
    QCOMPARE(range.source, QStringLiteral("b\n"));
    QCOMPARE(range.firstLine, 4);

    m_editor->goToLine(3);
    range = ScriptRange::upToCursor(m_editor);
    QCOMPARE(range.source, QStringLiteral("a = 1\ndef f():\n    b = 2\n"));
    QCOMPARE(range.firstLine, 1);
    QCOMPARE(range.lastLine, 3);
}

void TestCodeEditor::runLabels()
{
    QCOMPARE((ScriptRange{QString(), 1, 9, true}.label(QStringLiteral("s.py"))), QStringLiteral("Run s.py"));
    QCOMPARE((ScriptRange{QString(), 5, 5, false}.label(QStringLiteral("s.py"))), QStringLiteral("Run s.py line 5"));
    QCOMPARE((ScriptRange{QString(), 12, 14, false}.label(QStringLiteral("s.py"))),
             QStringLiteral("Run s.py lines 12–14"));
}

QTEST_MAIN(TestCodeEditor)
#include "tst_codeeditor.moc"
