#include "console/installconsole.h"

#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QMenu>
#include <QSettings>
#include <QTimer>

#include "console/consolewidget.h"
#include "console/pythonruntime.h"
#include "viewer/application.h"
#include "viewer/mainwindow.h"

namespace livepix::gui {

namespace {
/// The last line of a traceback ("ValueError: ..."), for a message box.
QString lastLine(const QString &text)
{
    const QStringList lines = text.trimmed().split(QLatin1Char('\n'));
    return lines.isEmpty() ? text : lines.last();
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

    if (!cl.exec.isEmpty() || !cl.script.isEmpty()) {
        const QStringList exec = cl.exec;
        const QString script = cl.script;
        app.addStartupHook([runtime, exec, script, batch](QString *error) {
            QString traceback;
            auto fail = [&](const QString &what) {
                // The traceback is already on stderr in a batch run (mirror).
                if (error)
                    *error = batch ? QStringLiteral("%1 failed: %2").arg(what, lastLine(traceback))
                                   : QStringLiteral("%1 failed:\n%2").arg(what, traceback.trimmed());
                return false;
            };
            for (const QString &code : exec)
                if (!runtime->runAndWait(code, false, &traceback))
                    return fail(QStringLiteral("--exec"));
            if (!script.isEmpty() && !runtime->runAndWait(script, true, &traceback))
                return fail(QStringLiteral("--script %1").arg(script));
            return true;
        });
    }
    // Python starts once the event loop runs, i.e. after the window showed
    // (a startup hook starts it earlier when it needs it).
    QTimer::singleShot(0, runtime, &PythonRuntime::start);
    return runtime;
}

} // namespace livepix::gui
