#pragma once
// LineNumberArea: the gutter left of the CodeEditor that shows line numbers.
#include <QWidget>

namespace livepix::gui {

class CodeEditor;

/// Paints nothing itself: QPlainTextEdit knows where its blocks are, so the
/// CodeEditor paints the numbers (CodeEditor::paintLineNumbers) and keeps
/// the area's width and scroll position in step (the Qt "Code Editor"
/// example's split). A click selects the clicked line.
///
/// Threading: GUI thread only.
class LineNumberArea : public QWidget {
    Q_OBJECT
public:
    explicit LineNumberArea(CodeEditor *editor);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    CodeEditor *m_editor;
};

} // namespace livepix::gui
