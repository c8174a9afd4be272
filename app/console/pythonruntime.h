#pragma once
// PythonRuntime: the one embedded Python interpreter and its worker thread.
#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QImage>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <utility>

#include "console/namesnapshot.h"
#include "viewer/backgroundjobs.h"
#include "viewer/liveedit.h"

class QThread;

namespace livepix::gui {

class PythonWorker;
class Viewer;

/// Owns the embedded interpreter (Debian's python3, started once per process)
/// and the worker QThread that runs all Python code: console input, --exec
/// code, scripts and completion. The worker holds the GIL only while it runs
/// something and releases it otherwise.
///
/// Every request is asynchronous: the GUI thread posts it to the worker and
/// gets the answer as a signal, so the GUI never waits for the GIL. While code
/// runs (queued or running requests), the runtime holds a LiveEdit token on
/// the viewer, so the one live-repaint clock animates loops that paint; after
/// every statement it flushes the token (an immediate repaint), and the
/// token's release repaints once more when the last request ended.
///
/// Output written by Python (sys.stdout, sys.stderr, echoed input) is queued
/// under a mutex by the worker and delivered on the GUI thread by output(),
/// coalesced per event-loop pass so a flood of prints cannot swamp the GUI.
///
/// Threading: construct, call and destroy on the GUI thread. appendOutput()
/// and statementDone() are the worker's entry points and may be called from
/// any thread. There is one runtime per process (instance()).
class PythonRuntime : public QObject {
    Q_OBJECT
public:
    enum class Stream { Stdout = 0, Stderr = 1, Echo = 2 };
    Q_ENUM(Stream)

    /// `viewer` (may be null in tests) backs the Python `viewer` object and
    /// gets pixelsMayHaveChanged() calls.
    explicit PythonRuntime(Viewer *viewer, QObject *parent = nullptr);
    /// Stops the worker and finalizes Python (see shutdown()).
    ~PythonRuntime() override;

    static PythonRuntime *instance();

    /// Starts the worker thread; it then initializes Python, imports numpy
    /// and livepix and runs ~/.config/livepix/startup.py. Returns at once:
    /// requests made before the interpreter is up wait in the worker's queue.
    void start();
    /// Interrupts what runs (KeyboardInterrupt), stops the worker and
    /// finalizes Python. While it waits it serves only the calls Python has
    /// queued to the viewer (they must finish). Code stuck in a blocking C
    /// call for more than 3 s is left running (not finalized) so the app can
    /// still exit. Idempotent.
    void shutdown();
    /// Quitting, first step (the runtime's BackgroundJobs entry, registered
    /// from start() to shutdown()): no queued request starts any more and
    /// the running one gets KeyboardInterrupt. Never blocks.
    void stopCode();
    /// Waits at most `ms` (forever when negative) until no request runs,
    /// serving the calls Python queued to the viewer and repeating the
    /// interrupt meanwhile. True when nothing runs.
    bool waitForStop(int ms);
    /// Gives Python up without finalizing it, for when something that may
    /// still run Python refused to stop: the worker thread is left as it is
    /// and nothing more is sent to it. Idempotent; shutdown() then does
    /// nothing.
    void abandon();

    bool isStarted() const { return m_started; }
    /// True once the interpreter is up (ready() was emitted).
    bool isReady() const { return m_ready; }
    /// True while a request is queued or running on the worker.
    bool isBusy() const { return m_pending > 0; }
    Viewer *viewer() const;

    /// Console input (the whole text typed so far). Answers with
    /// inputIncomplete() (nothing ran; the editor wants another line) or
    /// inputAccepted() and, once it ran, executionFinished().
    void submit(const QString &source);
    /// Runs `source` in the console namespace as if typed (echoed, values
    /// shown), e.g. --exec. `label` names it in tracebacks ("<exec>").
    /// Returns the request's id (see jobCompleted()).
    quint64 runSource(const QString &source, const QString &label = QStringLiteral("<exec>"));
    /// Runs a script file in the console namespace (no value echo).
    quint64 runFile(const QString &path);
    /// The script editor's runs: `source` is the whole file or the part of
    /// it that starts at line `firstLine` of `filename` (a path, or a name
    /// such as "<untitled-1>" for a buffer never saved). It runs like a
    /// script (no value echo); tracebacks name `filename` with the file's own
    /// line numbers and quote the editor's text. `label` names the undo step.
    /// `wholeText`, when given, is the whole buffer: tracebacks then quote
    /// the right lines also for functions an earlier run defined.
    quint64 runScriptText(const QString &source, const QString &filename, int firstLine,
                          const QString &label, const QString &wholeText = QString());
    /// Runs `source` (or a script file when isFile) and waits for it in a
    /// nested event loop (the GUI keeps painting and serving `viewer` calls).
    /// Returns false when the code raised; *error then holds the traceback.
    bool runAndWait(const QString &sourceOrPath, bool isFile, QString *error = nullptr);
    /// Completions for the end of `textBeforeCursor`; answers with
    /// completionsReady(). While code runs the answer comes at once from the
    /// names the namespace had when the last request ended (NameSnapshot).
    void complete(const QString &textBeforeCursor);
    /// Runs `work` on the Python worker thread between requests, WITHOUT the
    /// GIL (work that needs Python takes it there, e.g. the plugin catalog's
    /// Python loader), then `done` on the GUI thread through a queued call
    /// on `context` (dropped if `context` is gone). Never blocks; nothing
    /// runs once the runtime is closing. Not a user request: no busy state.
    void runOnWorker(std::function<void()> work, QObject *context, std::function<void()> done);
    /// Thread-safe, never blocks, any thread: asks the worker to run the
    /// livepix module's GIL queue (work handed over by threads that must not
    /// wait for the GIL, see core/python/gilqueue in filterbindings.cpp).
    void wakeForGilQueue();
    /// Raises KeyboardInterrupt in the running code, like Ctrl+C in a
    /// terminal python3: pure-Python loops and blocking calls such as
    /// time.sleep stop at once. Needs no GIL, never blocks; does nothing when
    /// no code runs.
    void interrupt();

    /// Period of the viewer's live-repaint clock (LiveEditClock; default
    /// 33 ms, ~30 Hz), which ticks while code runs.
    void setRepaintInterval(int ms);
    /// When on, output is also written to the process's stdout/stderr (batch
    /// runs with --exec/--script print what the code prints).
    void setMirrorToStdio(bool on) { m_mirrorToStdio = on; }
    /// Before start(): listen for `livepix.connect()` clients once Python
    /// runs, as instance `name` (empty: livepix-PID). See docs/ATTACH.md.
    void enableAttach(const QString &name)
    {
        m_attachEnabled = true;
        m_attachName = name;
    }
    /// Which shell runs console cells and --exec code (scripts and editor
    /// runs are plain Python in both).
    enum class ShellKind {
        Auto,    ///< IPython when importable, else the standard one
        IPython, ///< IPython; the standard shell with a message when missing
        Python,  ///< the standard `code`-module console
    };
    Q_ENUM(ShellKind)
    /// Before start(). The environment variable LIVEPIX_CONSOLE_SHELL
    /// (auto, ipython, python) overrides it. See shellKindFromSettings().
    void setShellKind(ShellKind kind) { m_shellKind = kind; }
    /// The choice in QSettings ("console/shell"), then the environment.
    static ShellKind shellKindFromSettings();
    /// True once the interpreter is up with IPython running the cells.
    bool usesIPython() const { return m_usesIPython; }
    /// Before start(): earlier sessions' cells (the console's history file),
    /// which IPython's %history shows as the previous session.
    void setHistorySeed(const QStringList &cells) { m_historySeed = cells; }
    /// GUI thread: answers a yes/no question Python asks (IPython's %reset).
    /// Default: a question box; a batch run (mirrorToStdio) answers no.
    void setConfirmHandler(std::function<bool(const QString &)> handler) { m_confirm = std::move(handler); }
    bool confirm(const QString &question);
    /// GUI thread: what viewer.screenshot(path) saves (the canvas as drawn).
    void setScreenshotSource(std::function<QImage()> grab) { m_screenshotSource = std::move(grab); }
    const std::function<QImage()> &screenshotSource() const { return m_screenshotSource; }
    /// GUI thread: the canvas's completed paints so far (benchmarks wait
    /// for a frame with it).
    void setPaintCountSource(std::function<int()> count) { m_paintCountSource = std::move(count); }
    const std::function<int()> &paintCountSource() const { return m_paintCountSource; }

    // ---- worker-thread entry points (thread-safe) ----
    void appendOutput(Stream stream, const QString &text);
    void statementDone();
    /// The worker found submitted input complete and is about to run it.
    void inputAcceptedByWorker();
    bool isClosing() const { return m_closing.load(); }
    /// GUI-thread object that Python's calls into the viewer are queued to.
    QObject *guiContext() { return &m_guiContext; }
    /// steady_clock time (ns since its epoch) at which the last statement or
    /// request finished on the worker (for the latency benchmark).
    qint64 lastStatementEndNs() const { return m_lastStatementEndNs.load(); }

Q_SIGNALS:
    void ready();
    /// Python could not start (message for the console); requests fail.
    void startFailed(const QString &message);
    void output(livepix::gui::PythonRuntime::Stream stream, const QString &text);
    void busyChanged(bool busy);
    void inputIncomplete();
    void inputAccepted();
    /// One request finished. ok is false when the code raised; error has the
    /// traceback text then.
    void executionFinished(bool ok, const QString &error);
    /// One top-level statement finished (also once per script).
    void statementFinished();
    /// `replaceLength` characters before the cursor are to be replaced by
    /// one of `candidates`.
    void completionsReady(int replaceLength, const QStringList &candidates);
    /// Like executionFinished(), with the id runSource()/runFile() returned.
    void jobCompleted(quint64 id, bool ok, const QString &error);

private:
    friend class PythonWorker;
    struct Chunk {
        Stream stream;
        QString text;
    };
    using Job = std::function<std::pair<bool, QString>(PythonWorker *)>;
    quint64 post(Job job, bool counts, const QString &unitLabel = QString());
    void jobFinished(quint64 id, bool ok, const QString &error);
    void setInterruptible(bool on, Qt::HANDLE workerThread, int signal);
    void drainOutput();
    void onStatementDone();
    void setBusy(bool busy);
    /// Worker thread, after a request: sends the namespace's names to m_names.
    void refreshNameSnapshot(PythonWorker *worker);

    QPointer<Viewer> m_viewer;
    QThread *m_thread = nullptr;
    PythonWorker *m_worker = nullptr;
    LiveEdit m_liveEdit; // held while busy (see setBusy())
    bool m_started = false;
    bool m_ready = false;
    bool m_busy = false;
    bool m_mirrorToStdio = false;
    int m_pending = 0;
    std::atomic<bool> m_closing{false};
    std::atomic<bool> m_stopping{false}; // stopCode(): queued requests do not start
    BackgroundJobs::Registration m_registration;
    quint64 m_lastJobId = 0;
    QString m_packageDir; // read by the worker during initialization only
    bool m_attachEnabled = false; // set before start(); read by the worker during initialization
    QString m_attachName;
    // The standard shell unless told (installConsole() reads the settings):
    // tests that build a runtime get the same shell on every machine.
    ShellKind m_shellKind = ShellKind::Python; // set before start(); read by the worker during initialization
    QStringList m_historySeed;                // idem
    std::atomic<bool> m_usesIPython{false};    // written by the worker during initialization
    std::function<bool(const QString &)> m_confirm; // GUI thread
    std::function<QImage()> m_screenshotSource; // GUI thread
    std::function<int()> m_paintCountSource;    // GUI thread
    QObject m_guiContext;
    NameSnapshot m_names; // GUI thread; completion while busy
    std::atomic<bool> m_running{false};        // the worker is inside a request
    std::atomic<bool> m_statementPosted{false};
    std::atomic<bool> m_gilQueueWakePosted{false};
    std::atomic<qint64> m_lastStatementEndNs{0};

    QMutex m_interruptMutex;
    // Guarded by m_interruptMutex: Python is up and not finalizing, and how
    // to reach the worker thread.
    bool m_interruptible = false;
    Qt::HANDLE m_workerThread = nullptr;
    int m_interruptSignal = 0;

    QMutex m_outputMutex;
    QList<Chunk> m_chunks;   // guarded by m_outputMutex
    qsizetype m_chunkBytes = 0; // guarded by m_outputMutex
    bool m_drainPosted = false; // guarded by m_outputMutex
};

} // namespace livepix::gui
