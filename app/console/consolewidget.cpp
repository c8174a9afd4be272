#include "console/consolewidget.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QShortcut>
#include <QStyle>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

#include "console/ansitext.h"
#include "console/consolehistory.h"
#include "console/consoleinput.h"
#include "console/tracebacklinks.h"

namespace livepix::gui {

namespace {
QColor streamColor(PythonRuntime::Stream stream, const QPalette &palette)
{
    switch (stream) {
    case PythonRuntime::Stream::Stderr:
        return QColor(0xd0, 0x30, 0x30);
    case PythonRuntime::Stream::Echo:
        return QColor(0x30, 0x7a, 0xc0);
    case PythonRuntime::Stream::Stdout:
        break;
    }
    return palette.color(QPalette::Text);
}
} // namespace

ConsoleWidget::ConsoleWidget(PythonRuntime *runtime, ConsoleHistory *history, QWidget *parent)
    : QWidget(parent), m_runtime(runtime)
{
    if (!history) {
        m_ownHistory = std::make_unique<ConsoleHistory>();
        history = m_ownHistory.get();
    }
    m_history = history;
    // IPython's %history shows the same cells as Up/Down (one store).
    if (!m_runtime->isStarted())
        m_runtime->setHistorySeed(m_history->entries());

    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setMaximumBlockCount(20000);
    m_output->setUndoRedoEnabled(false);
    m_output->setAccessibleName(tr("Python output"));
    m_output->installEventFilter(this);
    m_output->viewport()->installEventFilter(this); // traceback links

    m_input = new ConsoleInput(m_history, this);

    m_stop = new QToolButton(this);
    m_stop->setText(tr("Stop"));
    m_stop->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_stop->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_stop->setToolTip(tr("Interrupt the running code (Ctrl+C in the console)"));
    m_stop->setEnabled(false);
    m_clear = new QToolButton(this);
    m_clear->setText(tr("Clear"));
    m_status = new QLabel(this);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_stop);
    bar->addWidget(m_clear);
    bar->addWidget(m_status, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_output, 1);
    layout->addWidget(m_input);
    setFocusProxy(m_input);

    m_clear->setToolTip(tr("Clear the output (Ctrl+L)"));
    auto *clearShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    clearShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(clearShortcut, &QShortcut::activated, this, &ConsoleWidget::clearOutput);

    connect(m_stop, &QToolButton::clicked, m_runtime, &PythonRuntime::interrupt);
    connect(m_clear, &QToolButton::clicked, this, &ConsoleWidget::clearOutput);
    connect(m_input, &ConsoleInput::submitted, this, &ConsoleWidget::onSubmitted);
    connect(m_input, &ConsoleInput::interruptRequested, m_runtime, &PythonRuntime::interrupt);
    connect(m_input, &ConsoleInput::inputCancelled, this, [this](const QString &source) {
        QStringList lines = source.split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i)
            lines[i].prepend(i == 0 ? QStringLiteral(">>> ") : QStringLiteral("... "));
        appendOutput(PythonRuntime::Stream::Echo, lines.join(QLatin1Char('\n')) + QLatin1Char('\n'));
        appendOutput(PythonRuntime::Stream::Stderr, QStringLiteral("KeyboardInterrupt\n"));
    });
    connect(m_input, &ConsoleInput::completionRequested, m_runtime, &PythonRuntime::complete);
    connect(m_runtime, &PythonRuntime::completionsReady, m_input, &ConsoleInput::showCompletions);
    connect(m_runtime, &PythonRuntime::output, this, &ConsoleWidget::appendOutput);
    connect(m_runtime, &PythonRuntime::busyChanged, this, &ConsoleWidget::onBusyChanged);
    connect(m_runtime, &PythonRuntime::ready, this, &ConsoleWidget::updateStatus);
    connect(m_runtime, &PythonRuntime::startFailed, this, &ConsoleWidget::updateStatus);
    connect(m_runtime, &PythonRuntime::inputIncomplete, this, [this]() {
        if (!m_waitingForAnswer)
            return;
        m_waitingForAnswer = false;
        m_input->continueInput();
    });
    connect(m_runtime, &PythonRuntime::inputAccepted, this, [this]() {
        if (!m_waitingForAnswer)
            return;
        m_waitingForAnswer = false;
        m_history->add(m_submitted);
        // Keep what was typed after Enter (while the answer was on its way).
        const QString text = m_input->toPlainText();
        m_input->setPlainText(text.startsWith(m_submitted) ? text.mid(m_submitted.size()) : QString());
        m_input->moveCursor(QTextCursor::End);
    });
    onBusyChanged(m_runtime->isBusy());
}

ConsoleWidget::~ConsoleWidget() = default;

QString ConsoleWidget::outputText() const { return m_output->toPlainText(); }

void ConsoleWidget::execute(const QString &source)
{
    m_input->setPlainText(source);
    m_input->moveCursor(QTextCursor::End);
    onSubmitted(source);
}

void ConsoleWidget::clearOutput()
{
    m_output->clear();
    m_ansi.reset();
}

void ConsoleWidget::onSubmitted(const QString &source)
{
    // One request at a time: the completeness answer decides what the
    // editor does next, and output must follow the echo of its input.
    if (m_waitingForAnswer || (m_runtime->isBusy() && m_runtime->isReady())) {
        m_status->setText(tr("Still running: Enter waits for the end (Stop or Ctrl+C interrupts)"));
        return;
    }
    m_submitted = m_input->toPlainText();
    m_waitingForAnswer = true;
    m_runtime->submit(source);
}

void ConsoleWidget::appendOutput(PythonRuntime::Stream stream, const QString &text)
{
    QScrollBar *bar = m_output->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 4;
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat format;
    // Text with colour escapes (IPython's tracebacks and help) picks its own
    // colours: its plain parts are ordinary text, not error red.
    const bool styled = text.contains(QChar(0x1b));
    format.setForeground(streamColor(styled ? PythonRuntime::Stream::Stdout : stream, palette()));
    // Echoed input starts on a line of its own even after print(..., end="").
    if (stream == PythonRuntime::Stream::Echo && !cursor.block().text().isEmpty())
        cursor.insertText(QStringLiteral("\n"), format);
    QString chunk = text;
    chunk.remove(QLatin1Char('\r'));
    const int start = cursor.position();
    for (const AnsiText::Run &run : m_ansi.split(chunk, format))
        cursor.insertText(run.text, run.format);
    // Traceback frames become links to the file and line (script editor).
    if (stream != PythonRuntime::Stream::Echo)
        TracebackLinks::addLinks(m_output->document(), start, cursor.position());
    if (atBottom)
        bar->setValue(bar->maximum());
}

void ConsoleWidget::onBusyChanged(bool busy)
{
    m_stop->setEnabled(busy);
    m_input->setBusy(busy);
    updateStatus();
}

void ConsoleWidget::updateStatus()
{
    if (!m_runtime->isStarted())
        m_status->setText(QString());
    else if (m_runtime->isBusy())
        m_status->setText(m_runtime->isReady() ? tr("Running… (Stop or Ctrl+C interrupts)")
                                               : tr("Starting Python…"));
    else
        m_status->setText(m_runtime->isReady() ? QString() : tr("Python is not available"));
}

void ConsoleWidget::activateLink(const QString &href)
{
    const SourceLocation location = TracebackLinks::fromHref(href);
    if (location.line > 0)
        Q_EMIT locationActivated(location.path, location.line);
}

bool ConsoleWidget::eventFilter(QObject *watched, QEvent *event)
{
    // A read-only QPlainTextEdit does not follow anchors: a click (not the
    // end of a drag that selected text) on a traceback frame does.
    if (watched == m_output->viewport() && (event->type() == QEvent::MouseMove || event->type() == QEvent::MouseButtonRelease)) {
        auto *mouse = static_cast<QMouseEvent *>(event);
        const QString href = m_output->anchorAt(mouse->position().toPoint());
        m_output->viewport()->setCursor(href.isEmpty() ? Qt::IBeamCursor : Qt::PointingHandCursor);
        if (event->type() == QEvent::MouseButtonRelease && mouse->button() == Qt::LeftButton && !href.isEmpty() &&
            !m_output->textCursor().hasSelection())
            activateLink(href);
    }
    // Ctrl+C in the output pane: copy a selection, else interrupt.
    if (watched == m_output && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Copy) && !m_output->textCursor().hasSelection()) {
            m_runtime->interrupt();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace livepix::gui
