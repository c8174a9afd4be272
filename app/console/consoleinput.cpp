#include "console/consoleinput.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStringListModel>
#include <QTextBlock>

#include "console/consolehistory.h"
#include "console/pythonhighlighter.h"

namespace livepix::gui {

namespace {

const QString FirstPrompt = QStringLiteral(">>> ");
const QString ContinuationPrompt = QStringLiteral("... ");
constexpr int MaxVisibleLines = 12;

/// The margin that shows the prompts, like the line-number area of Qt's
/// code editor example.
class PromptArea : public QWidget {
public:
    explicit PromptArea(ConsoleInput *editor) : QWidget(editor), m_editor(editor) {}
    QSize sizeHint() const override { return {m_editor->promptAreaWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintPromptArea(event); }

private:
    ConsoleInput *m_editor;
};

QString commonPrefix(const QStringList &strings)
{
    if (strings.isEmpty())
        return QString();
    QString prefix = strings.first();
    for (const QString &s : strings) {
        int n = 0;
        while (n < prefix.size() && n < s.size() && prefix.at(n) == s.at(n))
            ++n;
        prefix.truncate(n);
    }
    return prefix;
}

} // namespace

ConsoleInput::ConsoleInput(ConsoleHistory *history, QWidget *parent)
    : QPlainTextEdit(parent), m_history(history)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setTabChangesFocus(false);
    setAccessibleName(tr("Python input"));
    setPlaceholderText(tr("Python: Enter runs, Shift+Enter adds a line, Tab completes"));
    m_highlighter = new PythonHighlighter(document());
    m_promptArea = new PromptArea(this);
    setViewportMargins(promptAreaWidth(), 0, 0, 0);

    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_promptArea->scroll(0, dy);
        else
            m_promptArea->update(0, rect.y(), m_promptArea->width(), rect.height());
    });
    connect(document(), &QTextDocument::blockCountChanged, this, &ConsoleInput::updateHeight);

    m_completionModel = new QStringListModel(this);
    m_completer = new QCompleter(m_completionModel, this);
    m_completer->setWidget(this);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setMaxVisibleItems(12);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            &ConsoleInput::insertCompletion);
    updateHeight();
}

ConsoleInput::~ConsoleInput() = default;

int ConsoleInput::promptAreaWidth() const
{
    return fontMetrics().horizontalAdvance(FirstPrompt) + 6;
}

void ConsoleInput::paintPromptArea(QPaintEvent *event)
{
    QPainter painter(m_promptArea);
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    painter.setPen(m_busy ? palette().color(QPalette::Disabled, QPalette::Text)
                                : QColor(0x30, 0x7a, 0xc0));
    painter.setFont(font());
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            painter.drawText(3, top, m_promptArea->width() - 3, fontMetrics().height(),
                             Qt::AlignLeft | Qt::AlignTop,
                             block.blockNumber() == 0 ? FirstPrompt : ContinuationPrompt);
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
    }
}

void ConsoleInput::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_promptArea->setGeometry(QRect(cr.left(), cr.top(), promptAreaWidth(), cr.height()));
}

QSize ConsoleInput::sizeHint() const
{
    const int lines = qBound(1, document()->blockCount(), MaxVisibleLines);
    const int h = lines * fontMetrics().lineSpacing() + 2 * int(document()->documentMargin())
                  + 2 * frameWidth() + 2;
    return {QPlainTextEdit::sizeHint().width(), h};
}

QSize ConsoleInput::minimumSizeHint() const { return {100, sizeHint().height()}; }

void ConsoleInput::updateHeight()
{
    const int h = sizeHint().height();
    if (h != height() || minimumHeight() != h) {
        setFixedHeight(h);
        updateGeometry();
    }
}

bool ConsoleInput::event(QEvent *event)
{
    // Ctrl+C belongs to the console (copy or interrupt), never to a window
    // shortcut.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Copy)) {
            event->accept();
            return true;
        }
    }
    return QPlainTextEdit::event(event);
}

void ConsoleInput::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            event->ignore(); // the completer takes these
            return;
        default:
            break;
        }
    }

    QTextCursor cursor = textCursor();
    const bool plain = !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));

    if (event->matches(QKeySequence::Copy)) {
        if (cursor.hasSelection())
            copy();
        else if (m_busy)
            Q_EMIT interruptRequested();
        else {
            Q_EMIT inputCancelled(toPlainText());
            clear();
            m_history->resetNavigation();
        }
        return;
    }

    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (event->modifiers() & Qt::ShiftModifier) {
            newIndentedLine();
            return;
        }
        if (plain) {
            QStringList lines = toPlainText().split(QLatin1Char('\n'));
            if (lines.size() > 1 && lines.last().trimmed().isEmpty())
                lines.last().clear(); // an indented blank line ends a block
            Q_EMIT submitted(lines.join(QLatin1Char('\n')));
            return;
        }
        break;
    case Qt::Key_Up:
        if (plain && cursor.blockNumber() == 0) {
            QString entry;
            if (m_history->previous(toPlainText(), &entry)) {
                setPlainText(entry);
                QTextCursor c(document()->firstBlock());
                c.movePosition(QTextCursor::EndOfBlock);
                setTextCursor(c);
            }
            return;
        }
        break;
    case Qt::Key_Down:
        if (plain && cursor.blockNumber() == document()->blockCount() - 1) {
            QString entry;
            if (m_history->next(&entry)) {
                setPlainText(entry);
                moveCursor(QTextCursor::End);
            }
            return;
        }
        break;
    case Qt::Key_Tab: {
        if (!plain)
            break;
        const QString before = cursor.block().text().left(cursor.positionInBlock());
        if (before.trimmed().isEmpty() || cursor.hasSelection()) {
            insertPlainText(QString(4 - before.size() % 4, QLatin1Char(' ')));
        } else {
            QTextCursor start(document());
            start.setPosition(cursor.position(), QTextCursor::KeepAnchor);
            Q_EMIT completionRequested(start.selectedText().replace(QChar::ParagraphSeparator,
                                                                    QLatin1Char('\n')));
        }
        return;
    }
    case Qt::Key_Backtab:
        return;
    default:
        break;
    }
    QPlainTextEdit::keyPressEvent(event);
    if (m_completer->popup()->isVisible()) {
        // Keep filtering the popup while typing; close it on a non-name key.
        const QString text = event->text();
        if (!text.isEmpty() && !(text.at(0).isLetterOrNumber() || text.at(0) == QLatin1Char('_'))) {
            m_completer->popup()->hide();
        } else {
            QTextCursor c = textCursor();
            c.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor,
                           qMin(m_completionLength + (text.isEmpty() ? 0 : 1), c.positionInBlock()));
            m_completionLength = int(c.selectedText().size());
            m_completer->setCompletionPrefix(c.selectedText());
        }
    }
}

void ConsoleInput::setBusy(bool busy)
{
    m_busy = busy;
    m_promptArea->update();
}

void ConsoleInput::newIndentedLine()
{
    QTextCursor cursor = textCursor();
    const QString line = cursor.block().text().left(cursor.positionInBlock());
    int indent = 0;
    while (indent < line.size() && line.at(indent) == QLatin1Char(' '))
        ++indent;
    if (line.trimmed().endsWith(QLatin1Char(':')))
        indent += 4;
    cursor.insertText(QLatin1Char('\n') + QString(indent, QLatin1Char(' ')));
    setTextCursor(cursor);
    ensureCursorVisible();
}

void ConsoleInput::continueInput()
{
    moveCursor(QTextCursor::End);
    newIndentedLine();
}

void ConsoleInput::showCompletions(int replaceLength, const QStringList &candidates)
{
    m_lastCompletions = candidates;
    if (candidates.isEmpty())
        return;
    QTextCursor cursor = textCursor();
    replaceLength = qMin(replaceLength, cursor.positionInBlock());
    m_completionLength = replaceLength;
    if (candidates.size() == 1) {
        insertCompletion(candidates.first());
        return;
    }
    // Extend what is typed by what all candidates share, then let the user pick.
    const QString shared = commonPrefix(candidates);
    if (shared.size() > replaceLength) {
        cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, replaceLength);
        cursor.insertText(shared);
        setTextCursor(cursor);
        m_completionLength = int(shared.size());
    }
    m_completionModel->setStringList(candidates);
    m_completer->setCompletionPrefix(shared.size() > replaceLength ? shared
                                                                   : candidates.first().left(replaceLength));
    QRect rect = cursorRect();
    rect.translate(viewportMargins().left(), 0);
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0)
                  + m_completer->popup()->verticalScrollBar()->sizeHint().width() + 8);
    m_completer->complete(rect);
}

void ConsoleInput::insertCompletion(const QString &completion)
{
    QTextCursor cursor = textCursor();
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor,
                        qMin(m_completionLength, cursor.positionInBlock()));
    cursor.insertText(completion);
    setTextCursor(cursor);
    m_completionLength = 0;
}

} // namespace livepix::gui
