#pragma once
// CodeEditor: the script editor's text area (Python, line numbers).
#include <QPlainTextEdit>

#include <functional>
#include <utility>

namespace livepix::gui {

class LineNumberArea;
class PythonHighlighter;

/// A QPlainTextEdit for Python: the console's PythonHighlighter, the
/// system's fixed-width font, a line-number gutter, the current line
/// highlighted, and the block edits of a code editor: Tab / Shift+Tab
/// indent and outdent the selected lines by four spaces (Tab without a
/// selection inserts spaces up to the next multiple of four), toggleComment()
/// adds or removes "# " on the selected lines. Each block edit is one
/// undo step of the text.
///
/// markErrorLine() tints one line (where a run failed) until the text
/// changes or clearErrorLine() is called.
///
/// Threading: GUI thread only.
class CodeEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    static constexpr int IndentWidth = 4;

    explicit CodeEditor(QWidget *parent = nullptr);

    /// 1-based line of the text cursor.
    int currentLine() const;
    /// Moves the cursor to the start of 1-based `line` (clamped) and shows it.
    void goToLine(int line);
    void markErrorLine(int line);
    void clearErrorLine();
    /// The tinted line, 0 when none.
    int errorLine() const { return m_errorLine; }

    /// The lines the selection touches (or the cursor's line), as 0-based
    /// block numbers, first and last. A selection that ends at the start of
    /// a line does not include that line (what selecting whole lines gives).
    std::pair<int, int> selectedLines() const;
    void indentLines();
    void outdentLines();
    void toggleComment();

    // For LineNumberArea.
    int lineNumberAreaWidth() const;
    void paintLineNumbers(QPaintEvent *event);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateLineNumberAreaWidth();
    void updateLineNumberArea(const QRect &rect, int dy);
    void updateExtraSelections();
    /// Runs `edit` on each selected line's block as one undo step, then
    /// selects those whole lines (so Tab can be pressed again).
    void editLines(const std::function<void(QTextCursor &lineStart, const QString &text)> &edit);

    LineNumberArea *m_lineNumbers;
    PythonHighlighter *m_highlighter;
    int m_errorLine = 0;
    int m_errorRevision = 0; // the document's revision when marked
};

} // namespace livepix::gui
