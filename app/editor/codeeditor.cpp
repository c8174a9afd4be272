#include "editor/codeeditor.h"

#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QTextBlock>

#include <algorithm>

#include "console/pythonhighlighter.h"
#include "editor/linenumberarea.h"

namespace livepix::gui {

namespace {
qsizetype leadingSpaces(const QString &text)
{
    qsizetype n = 0;
    while (n < text.size() && text.at(n) == QLatin1Char(' '))
        ++n;
    return n;
}

bool isBlank(const QString &text) { return text.trimmed().isEmpty(); }
} // namespace

CodeEditor::CodeEditor(QWidget *parent)
    : QPlainTextEdit(parent), m_lineNumbers(new LineNumberArea(this)), m_highlighter(new PythonHighlighter(document()))
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * IndentWidth);
    setAccessibleName(tr("Script"));
    connect(this, &QPlainTextEdit::blockCountChanged, this, &CodeEditor::updateLineNumberAreaWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeEditor::updateLineNumberArea);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &CodeEditor::updateExtraSelections);
    // The mark names where a run failed: once the text changes, it may not.
    // Queued: the document is mid-edit in its change signals (layouts and
    // the highlighter's formats are being rebuilt). Re-selecting there
    // crashed in QTextEngine::setFormats (release build, tst_scripteditor's
    // traceback test followed by the save test). The revision check keeps a
    // mark made after the edit.
    connect(document(), &QTextDocument::contentsChange, this, [this](int, int removed, int added) {
        if (removed == 0 && added == 0)
            return;
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (document()->revision() != m_errorRevision) // edited after the mark
                    clearErrorLine();
            },
            Qt::QueuedConnection);
    });
    updateLineNumberAreaWidth();
    updateExtraSelections();
}

int CodeEditor::currentLine() const { return textCursor().blockNumber() + 1; }

void CodeEditor::goToLine(int line)
{
    const QTextBlock block = document()->findBlockByNumber(std::clamp(line, 1, blockCount()) - 1);
    QTextCursor cursor(block);
    setTextCursor(cursor);
    centerCursor();
}

void CodeEditor::markErrorLine(int line)
{
    m_errorLine = line;
    m_errorRevision = document()->revision();
    updateExtraSelections();
}

void CodeEditor::clearErrorLine()
{
    if (m_errorLine == 0)
        return;
    m_errorLine = 0;
    updateExtraSelections();
}

void CodeEditor::updateExtraSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    QTextEdit::ExtraSelection current;
    QColor currentLine = palette().color(QPalette::Highlight);
    currentLine.setAlpha(28); // a tint of the selection colour: visible in light and dark themes
    current.format.setBackground(currentLine);
    current.format.setProperty(QTextFormat::FullWidthSelection, true);
    current.cursor = textCursor();
    current.cursor.clearSelection();
    selections.append(current);
    if (m_errorLine > 0 && m_errorLine <= blockCount()) {
        QTextEdit::ExtraSelection error;
        error.format.setBackground(QColor(0xf8, 0xd0, 0xd0));
        error.format.setProperty(QTextFormat::FullWidthSelection, true);
        error.cursor = QTextCursor(document()->findBlockByNumber(m_errorLine - 1));
        selections.append(error);
    }
    setExtraSelections(selections);
    m_lineNumbers->update(); // the current line's number is drawn stronger
}

std::pair<int, int> CodeEditor::selectedLines() const
{
    const QTextCursor cursor = textCursor();
    const QTextBlock first = document()->findBlock(cursor.selectionStart());
    QTextBlock last = document()->findBlock(cursor.selectionEnd());
    if (cursor.hasSelection() && cursor.selectionEnd() == last.position() && last != first)
        last = last.previous();
    return {first.blockNumber(), last.blockNumber()};
}

void CodeEditor::editLines(const std::function<void(QTextCursor &, const QString &)> &edit)
{
    const auto [first, last] = selectedLines();
    QTextCursor cursor = textCursor();
    cursor.beginEditBlock();
    for (int n = first; n <= last; ++n) {
        const QTextBlock block = document()->findBlockByNumber(n);
        QTextCursor lineStart(block);
        edit(lineStart, block.text());
    }
    cursor.endEditBlock();
    QTextCursor selection(document()->findBlockByNumber(first));
    selection.setPosition(document()->findBlockByNumber(last).position() + document()->findBlockByNumber(last).length() - 1,
                          QTextCursor::KeepAnchor);
    setTextCursor(selection);
}

void CodeEditor::indentLines()
{
    editLines([](QTextCursor &lineStart, const QString &text) {
        if (!text.isEmpty())
            lineStart.insertText(QString(IndentWidth, QLatin1Char(' ')));
    });
}

void CodeEditor::outdentLines()
{
    editLines([](QTextCursor &lineStart, const QString &text) {
        const qsizetype remove = text.startsWith(QLatin1Char('\t')) ? 1 : std::min<qsizetype>(leadingSpaces(text), IndentWidth);
        lineStart.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor, int(remove));
        lineStart.removeSelectedText();
    });
}

void CodeEditor::toggleComment()
{
    // Comment when any non-blank line is not a comment yet (what VS Code and
    // Spyder do), at the smallest indent so the block stays aligned.
    const auto [first, last] = selectedLines();
    bool allCommented = true;
    qsizetype indent = -1;
    for (int n = first; n <= last; ++n) {
        const QString text = document()->findBlockByNumber(n).text();
        if (isBlank(text))
            continue;
        const qsizetype spaces = leadingSpaces(text);
        indent = indent < 0 ? spaces : std::min(indent, spaces);
        allCommented = allCommented && text.mid(spaces).startsWith(QLatin1Char('#'));
    }
    if (indent < 0)
        return;
    editLines([allCommented, indent](QTextCursor &lineStart, const QString &text) {
        if (isBlank(text))
            return;
        if (!allCommented) {
            lineStart.movePosition(QTextCursor::NextCharacter, QTextCursor::MoveAnchor, int(indent));
            lineStart.insertText(QStringLiteral("# "));
            return;
        }
        const qsizetype hash = leadingSpaces(text);
        const bool space = text.mid(hash + 1).startsWith(QLatin1Char(' '));
        lineStart.movePosition(QTextCursor::NextCharacter, QTextCursor::MoveAnchor, int(hash));
        lineStart.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor, space ? 2 : 1);
        lineStart.removeSelectedText();
    });
}

void CodeEditor::keyPressEvent(QKeyEvent *event)
{
    const bool multiLine = textCursor().hasSelection() && selectedLines().first != selectedLines().second;
    if (event->key() == Qt::Key_Backtab) {
        outdentLines();
        return;
    }
    if (event->key() == Qt::Key_Tab && event->modifiers() == Qt::NoModifier) {
        if (multiLine)
            indentLines();
        else
            insertPlainText(QString(IndentWidth - textCursor().positionInBlock() % IndentWidth, QLatin1Char(' ')));
        return;
    }
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && event->modifiers() == Qt::NoModifier) {
        // Keep the line's indent; one level more after a colon (a block opens).
        const QString before = textCursor().block().text().left(textCursor().positionInBlock());
        qsizetype indent = leadingSpaces(before);
        if (before.trimmed().endsWith(QLatin1Char(':')))
            indent += IndentWidth;
        insertPlainText(QLatin1Char('\n') + QString(indent, QLatin1Char(' ')));
        ensureCursorVisible();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

int CodeEditor::lineNumberAreaWidth() const
{
    const int digits = int(QString::number(std::max(1, blockCount())).size());
    return 10 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits);
}

void CodeEditor::updateLineNumberAreaWidth() { setViewportMargins(lineNumberAreaWidth(), 0, 0, 0); }

void CodeEditor::updateLineNumberArea(const QRect &rect, int dy)
{
    if (dy != 0)
        m_lineNumbers->scroll(0, dy);
    else
        m_lineNumbers->update(0, rect.y(), m_lineNumbers->width(), rect.height());
    if (rect.contains(viewport()->rect()))
        updateLineNumberAreaWidth();
}

void CodeEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect area = contentsRect();
    m_lineNumbers->setGeometry(QRect(area.left(), area.top(), lineNumberAreaWidth(), area.height()));
}

void CodeEditor::paintLineNumbers(QPaintEvent *event)
{
    QPainter painter(m_lineNumbers);
    painter.fillRect(event->rect(), palette().color(QPalette::Window));
    const int current = textCursor().blockNumber();
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int height = qRound(blockBoundingRect(block).height());
        if (block.isVisible() && top + height >= event->rect().top()) {
            const int number = block.blockNumber();
            painter.setPen(number == current ? palette().color(QPalette::Text) : palette().color(QPalette::PlaceholderText));
            if (number + 1 == m_errorLine)
                painter.setPen(QColor(0xc0, 0x20, 0x20));
            painter.drawText(0, top, m_lineNumbers->width() - 5, height, Qt::AlignRight | Qt::AlignVCenter,
                             QString::number(number + 1));
        }
        block = block.next();
        top += height;
    }
}

} // namespace livepix::gui
