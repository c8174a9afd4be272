#pragma once
// ConsoleWidget: the Python console (output, prompt, Stop and Clear).
#include <QWidget>

#include "console/ansitext.h"
#include "console/pythonruntime.h"

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace livepix::gui {

class ConsoleHistory;
class ConsoleInput;

/// The console dock's content: a read-only output pane (stdout as written,
/// stderr and tracebacks in red, echoed input in blue), the ConsoleInput
/// below it, and a bar with Stop (enabled while code runs; Ctrl+C does the
/// same) and Clear.
///
/// Input model: what is typed is one cell. Enter sends it to the runtime; if
/// it is incomplete (an open block, bracket or string: the standard
/// interpreter's rules) the editor gets a "..." continuation line, otherwise
/// it is echoed and run. A pasted multi-line block is one cell whose
/// statements run one after another, each expression showing its value, and
/// the first error stops it (what pasting into IPython does). While code
/// runs, typing continues but Enter waits for the run to end.
///
/// Threading: GUI thread only; talks to Python only through PythonRuntime.
class ConsoleWidget : public QWidget {
    Q_OBJECT
public:
    /// `history` may be null: then the default persistent history is used.
    explicit ConsoleWidget(PythonRuntime *runtime, ConsoleHistory *history = nullptr,
                           QWidget *parent = nullptr);
    ~ConsoleWidget() override;

    PythonRuntime *runtime() const { return m_runtime; }
    ConsoleInput *input() const { return m_input; }
    QPlainTextEdit *outputView() const { return m_output; }
    QToolButton *stopButton() const { return m_stop; }
    QToolButton *clearButton() const { return m_clear; }
    /// The cells run so far (Up/Down, File > Save Console History as Script).
    ConsoleHistory *history() const { return m_history; }
    /// Everything shown in the output pane, as plain text.
    QString outputText() const;

    /// Sends `source` as if typed and Enter pressed.
    void execute(const QString &source);
    void clearOutput();
    /// What a click on a traceback frame in the output does: emits
    /// locationActivated() for an href of TracebackLinks (else nothing).
    void activateLink(const QString &href);

Q_SIGNALS:
    /// A `File "PATH", line N` link in the output was clicked.
    void locationActivated(const QString &path, int line);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void appendOutput(PythonRuntime::Stream stream, const QString &text);
    void onSubmitted(const QString &source);
    void onBusyChanged(bool busy);
    void updateStatus();

    PythonRuntime *m_runtime;
    std::unique_ptr<ConsoleHistory> m_ownHistory;
    ConsoleHistory *m_history;
    QPlainTextEdit *m_output;
    ConsoleInput *m_input;
    QToolButton *m_stop;
    QToolButton *m_clear;
    QLabel *m_status;
    AnsiText m_ansi; // colour escapes in the output (IPython)
    QString m_submitted; // the cell sent and not yet answered
    bool m_waitingForAnswer = false;
};

} // namespace livepix::gui
