#pragma once
// ConsoleInput: the console's input editor (prompts, history, completion).
#include <QPlainTextEdit>
#include <QStringList>

class QCompleter;
class QStringListModel;

namespace livepix::gui {

class ConsoleHistory;
class PythonHighlighter;

/// A multi-line Python editor that behaves like the interpreter's prompt:
/// ">>> " before the first line and "... " before continuation lines (drawn
/// in a margin, not part of the text).
///
/// Keys: Enter submits the whole text (the console answers "incomplete" by
/// calling continueInput(), which adds a new indented line); Shift+Enter
/// inserts a line break; Up on the first line / Down on the last line walk the
/// history; Tab completes (indents when only blanks precede the cursor);
/// Ctrl+C copies a selection, else asks to interrupt (or drops the input when
/// nothing runs, like the interpreter). Pasted multi-line text lands in the
/// editor as one cell; Enter runs it statement by statement.
///
/// Threading: GUI thread only.
class ConsoleInput : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit ConsoleInput(ConsoleHistory *history, QWidget *parent = nullptr);
    ~ConsoleInput() override;

    ConsoleHistory *history() const { return m_history; }
    QCompleter *completer() const { return m_completer; }
    /// Candidates of the last completion request (also shown in the popup).
    QStringList lastCompletions() const { return m_lastCompletions; }

    /// The console needs another line: go to the end, add a line indented
    /// like the last one (one level deeper after a ':').
    void continueInput();
    /// Applies completion results: one candidate is inserted, several insert
    /// their common prefix and open a popup.
    void showCompletions(int replaceLength, const QStringList &candidates);

    /// While code runs the prompts are greyed out and Ctrl+C interrupts.
    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }

    int promptAreaWidth() const;
    void paintPromptArea(QPaintEvent *event);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// Enter: the whole text, with a blank last line made empty.
    void submitted(const QString &source);
    void interruptRequested();
    /// Ctrl+C with nothing running and no selection.
    void inputCancelled(const QString &source);
    void completionRequested(const QString &textBeforeCursor);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    void insertCompletion(const QString &completion);
    void updateHeight();
    void newIndentedLine();

    ConsoleHistory *m_history;
    PythonHighlighter *m_highlighter;
    QWidget *m_promptArea;
    QCompleter *m_completer;
    QStringListModel *m_completionModel;
    QStringList m_lastCompletions;
    int m_completionLength = 0;
    bool m_busy = false;
};

} // namespace livepix::gui
