#include "console/installconsole.h"

#include <QAction>
#include <QActionGroup>
#include <QCoreApplication>
#include <QDockWidget>
#include <QMenu>
#include <QSettings>
#include <QTimer>

#include <memory>

#include "console/consolewidget.h"
#include "console/pythonruntime.h"
#include "viewer/application.h"
#include "viewer/canvas.h"
#include "viewer/mainwindow.h"

namespace livepix::gui {

namespace {
/// The last line of a traceback ("ValueError: ..."), for a message box.
QString lastLine(const QString &text)
{
    const QStringList lines = text.trimmed().split(QLatin1Char('\n'));
    return lines.isEmpty() ? text : lines.last();
}

/// One --exec block or the --script file.
struct Block {
    QString code;
    bool isFile;
    QString what; ///< names it in errors
};

/// Runs blocks[index..] one after another on the Python worker, then calls
/// done. Sequenced by the runtime's jobCompleted signal, with no nested loop.
void runBlocks(PythonRuntime *runtime, const QList<Block> &blocks, int index, bool batch,
               Application::StartupHookDone done)
{
    if (index >= blocks.size()) {
        done(true, QString());
        return;
    }
    const Block block = blocks.at(index);
    const quint64 id = block.isFile ? runtime->runFile(block.code) : runtime->runSource(block.code);
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = QObject::connect(
        runtime, &PythonRuntime::jobCompleted, runtime,
        [=](quint64 finished, bool ok, const QString &traceback) {
            if (finished != id)
                return;
            QObject::disconnect(*connection);
            if (ok) {
                runBlocks(runtime, blocks, index + 1, batch, done);
                return;
            }
            // The traceback is already on stderr in a batch run (mirror).
            done(false, batch ? QStringLiteral("%1 failed: %2").arg(block.what, lastLine(traceback))
                              : QStringLiteral("%1 failed:\n%2").arg(block.what, traceback.trimmed()));
        });
}
/// View > Console Shell: IPython (when installed) or the standard console.
/// The choice is kept in QSettings ("console/shell") and takes effect at the
/// next start: the running interpreter keeps its shell and namespace.
void addShellMenu(QMenu *view, PythonRuntime *runtime)
{
    QMenu *menu = view->addMenu(QObject::tr("Console &Shell"));
    auto *group = new QActionGroup(menu);
    const QString saved = QSettings().value(QStringLiteral("console/shell"), QStringLiteral("auto")).toString();
    const std::pair<QString, QString> choices[] = {
        {QStringLiteral("auto"), QObject::tr("&IPython (when installed)")},
        {QStringLiteral("python"), QObject::tr("&Standard Python")},
    };
    for (const auto &[key, text] : choices) {
        QAction *action = menu->addAction(text);
        action->setCheckable(true);
        action->setChecked(saved == key || (key == QLatin1String("auto") && saved == QLatin1String("ipython")));
        action->setData(key);
        group->addAction(action);
    }
    QObject::connect(group, &QActionGroup::triggered, runtime, [runtime](QAction *action) {
        QSettings().setValue(QStringLiteral("console/shell"), action->data().toString());
        runtime->appendOutput(PythonRuntime::Stream::Stderr,
                              QObject::tr("The console will use %1 from the next start of livepix.\n")
                                  .arg(action->text().remove(QLatin1Char('&'))));
    });
}
} // namespace

PythonRuntime *installConsole(Application &app)
{
    MainWindow *window = app.mainWindow();
    const CommandLine &cl = app.commandLine();
    const bool batch = cl.isBatch();

    auto *runtime = new PythonRuntime(app.viewer(), &app);
    // Batch runs print what the code prints (and its traceback) on the
    // process's stdout/stderr.
    runtime->setMirrorToStdio(batch);
    runtime->setShellKind(PythonRuntime::shellKindFromSettings());
    // Other processes may attach (livepix.connect()); a batch run ends
    // before anyone could, so it does not listen.
    if (!batch)
        runtime->enableAttach(cl.name);
    runtime->setScreenshotSource([window] { return window->canvas()->grabShown(); });
    runtime->setPaintCountSource([window] { return window->canvas()->paintCount(); });
    // Python is finalized after every filter and script stopped (see
    // Application::shutdown), while the windows still exist.
    app.addShutdownHook([runtime](bool everythingStopped) {
        if (everythingStopped)
            runtime->shutdown();
        else
            runtime->abandon();
    });

    auto *dock = new QDockWidget(QObject::tr("Python Console"), window);
    dock->setObjectName(QStringLiteral("pythonConsole"));
    auto *console = new ConsoleWidget(runtime, nullptr, dock);
    dock->setWidget(console);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    window->resizeDocks({dock}, {240}, Qt::Vertical);
    QAction *toggle = dock->toggleViewAction();
    toggle->setText(QObject::tr("&Python Console"));
    toggle->setShortcuts({QKeySequence(Qt::Key_F12), QKeySequence(Qt::CTRL | Qt::Key_QuoteLeft)});
    if (QMenu *view = window->viewMenu()) {
        view->addSeparator();
        view->addAction(toggle);
    }
    if (QMenu *view = window->viewMenu())
        addShellMenu(view, runtime);
    QObject::connect(toggle, &QAction::triggered, console, [console](bool shown) {
        if (shown)
            console->setFocus();
    });
    // A batch screenshot shows the view at the window's full size.
    dock->setVisible(!batch && QSettings().value(QStringLiteral("console/visible"), true).toBool());
    if (!batch) {
        // Remember whether the user keeps the console open (menu, F12 or the
        // dock's close button; closing the window does not toggle it).
        QObject::connect(toggle, &QAction::toggled, console, [](bool shown) {
            QSettings().setValue(QStringLiteral("console/visible"), shown);
        });
    }

    if (!cl.code.isEmpty()) {
        // The --exec blocks and scripts in the order given: each is posted
        // when the one before it completed (jobCompleted), each is its own
        // unit of work (undo step), and the first failure stops.
        QList<Block> blocks;
        for (const CommandLine::CodeStep &step : cl.code)
            blocks.append({step.text, step.isFile,
                           step.isFile ? QStringLiteral("--script %1").arg(step.text) : QStringLiteral("--exec")});
        app.addStartupHook([runtime, blocks, batch](Application::StartupHookDone done) {
            runBlocks(runtime, blocks, 0, batch, std::move(done));
        });
    }
    // Python starts once the window shows its first image (importing NumPy
    // and IPython takes about a second of CPU; see
    // Application::whenFirstFrameShown); a startup hook starts it earlier
    // when it needs it.
    app.whenFirstFrameShown(runtime, [runtime] { runtime->start(); });
    return runtime;
}

} // namespace livepix::gui
