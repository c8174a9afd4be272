#pragma once
// Application: ties the command line, the Viewer model and the main window.
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

#include "viewer/commandline.h"

namespace livepix::gui {

class Document;
class LoadJob;
class TevDocuments;
class TevServer;
class MainWindow;
class StartupSequence;
class Recovery;
class Viewer;

/// The livepix program: parses the command line at construction, then run()
/// opens the files (or the bundled sample), runs the startup hooks and
/// either enters the event loop or, with --screenshot, saves a grab of the
/// canvas and returns.
///
/// Extension points for the other parts of the app, to be set between
/// construction and run(): addStartupHook() (the console runs --exec and
/// --script through one), addShutdownHook() (the console finalizes Python
/// in one), setListPluginsHandler() (the plugin host prints
/// --list-plugins), and viewer()/mainWindow() to attach docks and menus.
///
/// Quitting, in this order (shutdown() is the one place that does it):
///  1. MainWindow::closeEvent asks about every unsaved image before
///     anything stops; answering Cancel keeps everything running.
///  2. shutdown() (at QCoreApplication::aboutToQuit, or from the destructor
///     for in-process use) cancels every BackgroundJobs job: filter runs
///     stop, running Python code gets KeyboardInterrupt, no queued console
///     request starts;
///  3. waits for them: cancellable jobs for at most StopTimeoutMs together,
///     jobs registered without cancel (a save) until they end; a job that
///     does not stop is named on stderr;
///  4. runs the shutdown hooks, last added first, telling them whether
///     everything stopped: the console finalizes Python only then (else it
///     leaves Python as it is), so no Python filter or script runs while
///     the interpreter goes away;
///  5. the window, the plugin host and the Viewer are destroyed. When
///     something refused to stop, run() ends the process right after the
///     event loop (std::_Exit) instead of waiting for it forever.
///
/// Requires a QApplication to exist. Threading: GUI thread only.
class Application : public QObject {
    Q_OBJECT
public:
    /// Reports the end of a startup hook (on the GUI thread, once): ok false
    /// with an error message when it failed (a batch run then exits non-zero).
    using StartupHookDone = std::function<void(bool ok, const QString &error)>;
    /// Runs after the files loaded and before a screenshot is taken, one hook
    /// after another (see StartupSequence). It may work asynchronously and
    /// calls `done` when finished; no hook waits in a nested event loop.
    using StartupHook = std::function<void(StartupHookDone done)>;
    /// Runs in shutdown() after the background jobs were stopped;
    /// `everythingStopped` is false when one of them refused to.
    using ShutdownHook = std::function<void(bool everythingStopped)>;
    /// How long shutdown() waits for cancelled jobs, in total.
    static constexpr int StopTimeoutMs = 5000;

    /// Parses QCoreApplication::arguments().
    explicit Application(QObject *parent = nullptr);
    /// Parses `arguments` (arguments[0] is the program name).
    explicit Application(const QStringList &arguments, QObject *parent = nullptr);
    ~Application() override;

    const CommandLine &commandLine() const { return m_commandLine; }
    Viewer *viewer() const { return m_viewer.get(); }
    MainWindow *mainWindow() const { return m_window.get(); }
    /// Crash recovery (checkpoints, --recover, the dialog); made by run().
    Recovery *recovery() const { return m_recovery.get(); }

    void addStartupHook(StartupHook hook);
    void addShutdownHook(ShutdownHook hook);

    /// Calls `work` on the GUI thread once the window shows its first frame
    /// (at once if it has): after run(), the first paint of an image (the
    /// files given, or the sample), or the end of the startup steps when
    /// there is none to show, or FirstFrameFallbackMs after the window showed,
    /// whichever comes first; without run() (an app built in a test), the
    /// canvas's first paint. Not if `context` is gone by then. For work that maps many
    /// libraries or takes the CPU: Python, the plugins, the image I/O. On
    /// two cores such work delays the first frame, and the dynamic loader is
    /// one process-wide lock, so a load on another thread would also stall
    /// the GUI thread's own loads (Qt's platform and input plugins).
    void whenFirstFrameShown(QObject *context, std::function<void()> work);
    bool isFirstFrameShown() const { return m_firstFrameShown; }
    static constexpr int FirstFrameFallbackMs = 3000;

    /// Stops background work and finalizes what needs it (see the class
    /// comment). Idempotent; the destructor calls it. Returns true when
    /// every job stopped in time.
    bool shutdown();
    void setListPluginsHandler(std::function<int()> handler);

    /// Does what the command line asked and runs the event loop; returns the
    /// process exit status. A batch run (--screenshot) quits the loop itself
    /// once the files loaded, the hooks ran and the screenshot is written.
    int run();

    /// For main(), before any QApplication exists: handles what needs no
    /// display (--help, --version, a malformed command line) and returns the
    /// exit status, or -1 when the GUI is needed. Selects the offscreen
    /// platform for --list-plugins, and for --screenshot when there is no
    /// display, unless QT_QPA_PLATFORM says otherwise. `arguments` gets the
    /// command line as given: QApplication on X11 takes some arguments away
    /// (`--name`, `-display`...), so main() builds the Application from these.
    static int runWithoutGui(int argc, char **argv, QStringList *arguments = nullptr);

    /// Starts opening the sample image bundled as a Qt resource (extracted to
    /// a temporary file so the normal load path reads it). The document is
    /// named after the sample and has no file path, so Save asks where.
    /// Returns nullptr with *error set when the sample cannot be extracted.
    LoadJob *openSample(QString *error);
    static QString sampleName() { return QStringLiteral("livepix-sample.png"); }

Q_SIGNALS:
    /// Once (see whenFirstFrameShown()).
    void firstFrameShown();

private:
    StartupSequence *makeStartupSequence();
    /// --tev: starts listening; false with *error set when it cannot.
    bool startTev(QString *error);
    void onStartupFinished(bool ok, const QStringList &errors);
    void takeScreenshot();
    void markFirstFrameShown();

    CommandLine m_commandLine;
    std::unique_ptr<Viewer> m_viewer;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<Recovery> m_recovery;
    std::unique_ptr<TevDocuments> m_tevDocuments; // --tev only
    std::unique_ptr<TevServer> m_tevServer;
    std::vector<StartupHook> m_hooks;
    std::vector<ShutdownHook> m_shutdownHooks;
    bool m_shutDown = false;
    bool m_firstFrameShown = false;
    bool m_awaitingStartupImage = false; ///< run() is loading the files it was given
    bool m_allStopped = true;
    std::function<int()> m_listPlugins;
};

} // namespace livepix::gui
