#include "editor/linenumberarea.h"

#include <QMouseEvent>
#include <QTextBlock>

#include "editor/codeeditor.h"

namespace livepix::gui {

LineNumberArea::LineNumberArea(CodeEditor *editor) : QWidget(editor), m_editor(editor) {}

QSize LineNumberArea::sizeHint() const { return {m_editor->lineNumberAreaWidth(), 0}; }

void LineNumberArea::paintEvent(QPaintEvent *event) { m_editor->paintLineNumbers(event); }

void LineNumberArea::mousePressEvent(QMouseEvent *event)
{
    QTextCursor cursor = m_editor->cursorForPosition(QPoint(0, int(event->position().y())));
    cursor.movePosition(QTextCursor::StartOfBlock);
    cursor.movePosition(QTextCursor::NextBlock, QTextCursor::KeepAnchor);
    m_editor->setTextCursor(cursor);
    m_editor->setFocus();
}

} // namespace livepix::gui
