#include "editor/findreplacebar.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTextBlock>
#include <QToolButton>

namespace livepix::gui {

namespace {
QToolButton *makeButton(const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    return button;
}
} // namespace

FindReplaceBar::FindReplaceBar(QPlainTextEdit *editor, QWidget *parent)
    : QWidget(parent), m_editor(editor), m_find(new QLineEdit(this)), m_replace(new QLineEdit(this)),
      m_caseSensitive(new QCheckBox(tr("Aa"), this)), m_status(new QLabel(this))
{
    m_find->setPlaceholderText(tr("Find"));
    m_replace->setPlaceholderText(tr("Replace with"));
    m_caseSensitive->setToolTip(tr("Match case"));
    QToolButton *previous = makeButton(tr("↑"), tr("Previous match (Shift+Enter, Shift+F3)"), this);
    QToolButton *next = makeButton(tr("↓"), tr("Next match (Enter, F3)"), this);
    QToolButton *closeButton = makeButton(QString(), tr("Close (Escape)"), this);
    closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_replaceButton = makeButton(tr("Replace"), tr("Replace this match and find the next"), this);
    m_replaceAllButton = makeButton(tr("All"), tr("Replace every match (one undo step)"), this);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_find, 0, 0);
    layout->addWidget(previous, 0, 1);
    layout->addWidget(next, 0, 2);
    layout->addWidget(m_caseSensitive, 0, 3);
    layout->addWidget(closeButton, 0, 4);
    layout->addWidget(m_replace, 1, 0);
    layout->addWidget(m_replaceButton, 1, 1, 1, 2);
    layout->addWidget(m_replaceAllButton, 1, 3);
    layout->addWidget(m_status, 2, 0, 1, 5);
    layout->setColumnStretch(0, 1);

    connect(previous, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(next, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(closeButton, &QToolButton::clicked, this, &FindReplaceBar::close);
    connect(m_replaceButton, &QToolButton::clicked, this, &FindReplaceBar::replaceCurrent);
    connect(m_replaceAllButton, &QToolButton::clicked, this, &FindReplaceBar::replaceAll);
    connect(m_find, &QLineEdit::textEdited, m_status, &QLabel::clear);
    m_find->installEventFilter(this);
    m_replace->installEventFilter(this);
    setReplaceVisible(false);
    hide();
}

void FindReplaceBar::setReplaceVisible(bool visible)
{
    for (QWidget *w : {static_cast<QWidget *>(m_replace), static_cast<QWidget *>(m_replaceButton),
                       static_cast<QWidget *>(m_replaceAllButton)})
        w->setVisible(visible);
}

void FindReplaceBar::open(bool replace)
{
    const QTextCursor cursor = m_editor->textCursor();
    if (cursor.hasSelection() && !cursor.selectedText().contains(QChar::ParagraphSeparator))
        m_find->setText(cursor.selectedText());
    setReplaceVisible(replace);
    m_status->clear();
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindReplaceBar::close()
{
    hide();
    m_editor->setFocus();
}

void FindReplaceBar::setCaseSensitive(bool on) { m_caseSensitive->setChecked(on); }

bool FindReplaceBar::findNext(bool backward)
{
    const QString needle = m_find->text();
    if (needle.isEmpty())
        return false;
    QTextDocument::FindFlags flags;
    if (backward)
        flags |= QTextDocument::FindBackward;
    if (m_caseSensitive->isChecked())
        flags |= QTextDocument::FindCaseSensitively;
    QTextDocument *document = m_editor->document();
    QTextCursor found = document->find(needle, m_editor->textCursor(), flags);
    if (found.isNull()) {
        // Wrap around, like every editor's find.
        QTextCursor from(document);
        if (backward)
            from.movePosition(QTextCursor::End);
        found = document->find(needle, from, flags);
    }
    if (found.isNull()) {
        m_status->setText(tr("Not found"));
        return false;
    }
    m_status->clear();
    m_editor->setTextCursor(found);
    return true;
}

bool FindReplaceBar::selectionMatches() const
{
    const Qt::CaseSensitivity cs = m_caseSensitive->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
    const QTextCursor cursor = m_editor->textCursor();
    return cursor.hasSelection() && cursor.selectedText().compare(m_find->text(), cs) == 0;
}

bool FindReplaceBar::replaceCurrent()
{
    if (m_find->text().isEmpty())
        return false;
    if (selectionMatches())
        m_editor->textCursor().insertText(m_replace->text());
    return findNext(false);
}

int FindReplaceBar::replaceAll()
{
    const QString needle = m_find->text();
    if (needle.isEmpty())
        return 0;
    const QTextDocument::FindFlags flags =
        m_caseSensitive->isChecked() ? QTextDocument::FindCaseSensitively : QTextDocument::FindFlags();
    QTextDocument *document = m_editor->document();
    QTextCursor edit(document);
    edit.beginEditBlock();
    int count = 0;
    for (QTextCursor found = document->find(needle, 0, flags); !found.isNull();
         found = document->find(needle, found, flags)) {
        found.insertText(m_replace->text()); // `found` now ends after the replacement
        ++count;
    }
    edit.endEditBlock();
    m_status->setText(tr("%n replaced", nullptr, count));
    return count;
}

bool FindReplaceBar::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    const bool shift = key->modifiers() & Qt::ShiftModifier;
    switch (key->key()) {
    case Qt::Key_Escape:
        close();
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (watched == m_replace && !shift)
            replaceCurrent();
        else
            findNext(shift);
        return true;
    case Qt::Key_F3:
        findNext(shift);
        return true;
    default:
        return QWidget::eventFilter(watched, event);
    }
}

} // namespace livepix::gui
