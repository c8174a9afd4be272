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
class MainWindow;
class Recovery;
class Viewer;

/// The livepix program: parses the command line at construction, then run()
/// opens the files (or the bundled sample), runs the startup hooks and
/// either enters the event loop or, with --screenshot, saves a grab of the
/// canvas and returns.
///
/// Extension points for the other parts of the app, to be set between
/// construction and run(): addStartupHook() (the console runs --exec and
/// --script through one), setListPluginsHandler() (the plugin host prints
/// --list-plugins), and viewer()/mainWindow() to attach docks and menus.
///
/// Requires a QApplication to exist. Threading: GUI thread only.
class Application : public QObject {
    Q_OBJECT
public:
    /// Runs after the files loaded and before a screenshot is taken. Returns
    /// false with *error set when it failed (a batch run then exits non-zero).
    using StartupHook = std::function<bool(QString *error)>;

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
    void setListPluginsHandler(std::function<int()> handler);

    /// Does what the command line asked; returns the process exit status.
    int run();

    /// For main(), before any QApplication exists: handles what needs no
    /// display (--help, --version, a malformed command line) and returns the
    /// exit status, or -1 when the GUI is needed. Selects the offscreen
    /// platform for --list-plugins, and for --screenshot when there is no
    /// display, unless QT_QPA_PLATFORM says otherwise.
    static int runWithoutGui(int argc, char **argv);

    /// Opens the sample image bundled as a Qt resource (extracted to a
    /// temporary file so the normal load path reads it). The document is
    /// named after the sample and has no file path, so Save asks where.
    Document *openSample(QString *error);
    static QString sampleName() { return QStringLiteral("livepix-sample.png"); }

private:
    bool openStartupFiles(QStringList *errors);
    bool runHooks(QStringList *errors);
    int takeScreenshot();

    CommandLine m_commandLine;
    std::unique_ptr<Viewer> m_viewer;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<Recovery> m_recovery;
    std::vector<StartupHook> m_hooks;
    std::function<int()> m_listPlugins;
};

} // namespace livepix::gui
