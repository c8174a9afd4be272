#pragma once
// FindReplaceBar: the find / replace strip under the script editor's text.
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace livepix::gui {

/// Find (Ctrl+F) shows the find field; Find and Replace (Ctrl+H) shows the
/// replace field too. Enter / F3 find the next match, Shift+Enter /
/// Shift+F3 the previous one, wrapping around the end; Escape closes the
/// bar and returns focus to the text. Replace replaces the selected match
/// and finds the next; Replace All is one undo step. Plain text, optionally
/// case-sensitive (a regular-expression mode is not worth its surprises in
/// a script this size).
///
/// Threading: GUI thread only.
class FindReplaceBar : public QWidget {
    Q_OBJECT
public:
    explicit FindReplaceBar(QPlainTextEdit *editor, QWidget *parent = nullptr);

    /// Shows the bar (with the replace row when `replace`), seeded with the
    /// editor's single-line selection, and focuses the find field.
    void open(bool replace);
    void close();

    QLineEdit *findField() const { return m_find; }
    QLineEdit *replaceField() const { return m_replace; }
    void setCaseSensitive(bool on);

    /// Selects the next (or previous) match from the cursor; false when the
    /// text has none.
    bool findNext(bool backward = false);
    /// Replaces the current selection if it is a match, then finds the next.
    bool replaceCurrent();
    /// Replaces every match; returns how many.
    int replaceAll();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool selectionMatches() const;
    void setReplaceVisible(bool visible);

    QPlainTextEdit *m_editor;
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QCheckBox *m_caseSensitive;
    QToolButton *m_replaceButton;
    QToolButton *m_replaceAllButton;
    QLabel *m_status;
};

} // namespace livepix::gui
