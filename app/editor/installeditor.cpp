#include "editor/installeditor.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>

#include "console/consolehistory.h"
#include "console/consolewidget.h"
#include "editor/codeeditor.h"
#include "editor/scripteditor.h"
#include "viewer/application.h"
#include "viewer/mainwindow.h"

namespace livepix::gui {

namespace {
const QString VisibleKey = QStringLiteral("editor/visible");

void showDock(QDockWidget *dock)
{
    dock->show();
    dock->raise();
}

/// Console links, the history action (File menu and the output's context
/// menu) and showing the console when a run starts.
void connectConsole(MainWindow *window, ScriptEditor *editor, QDockWidget *editorDock)
{
    auto *consoleDock = window->findChild<QDockWidget *>(QStringLiteral("pythonConsole"));
    auto *console = consoleDock ? qobject_cast<ConsoleWidget *>(consoleDock->widget()) : nullptr;
    if (!console)
        return;
    QObject::connect(editor, &ScriptEditor::runStarted, consoleDock, [consoleDock] {
        if (consoleDock->isHidden())
            showDock(consoleDock);
    });
    QObject::connect(console, &ConsoleWidget::locationActivated, editor,
                     [editor, editorDock](const QString &path, int line) {
                         showDock(editorDock);
                         editor->showLocation(path, line);
                     });
    auto *saveHistory = new QAction(QObject::tr("Save Console &History as Script…"), window);
    QObject::connect(saveHistory, &QAction::triggered, editor, [editor, editorDock, console] {
        if (editor->saveHistoryAsScript(console->history()->entries()))
            showDock(editorDock);
    });
    if (QMenu *file = window->fileMenu()) {
        // Before the separator that precedes Quit.
        const QList<QAction *> actions = file->actions();
        file->insertAction(actions.size() >= 2 ? actions.at(actions.size() - 2) : nullptr, saveHistory);
    }
    QPlainTextEdit *output = console->outputView();
    output->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(output, &QWidget::customContextMenuRequested, output, [output, saveHistory](const QPoint &pos) {
        std::unique_ptr<QMenu> menu(output->createStandardContextMenu(pos));
        menu->addSeparator();
        menu->addAction(saveHistory);
        menu->exec(output->viewport()->mapToGlobal(pos));
    });
}
} // namespace

ScriptEditor *installEditor(Application &app, PythonRuntime *runtime)
{
    MainWindow *window = app.mainWindow();
    const CommandLine &cl = app.commandLine();
    auto *dock = new QDockWidget(QObject::tr("Script Editor"), window);
    dock->setObjectName(QStringLiteral("scriptEditor"));
    auto *editor = new ScriptEditor(runtime, dock);
    dock->setWidget(editor);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    // About 72 columns of code beside the image.
    window->resizeDocks({dock}, {editor->codeEditor()->fontMetrics().horizontalAdvance(QLatin1Char('m')) * 72},
                        Qt::Horizontal);
    QObject::connect(editor, &ScriptEditor::titleChanged, dock, [dock](const QString &title) {
        dock->setWindowTitle(QObject::tr("Script Editor — %1").arg(title));
    });
    dock->setWindowTitle(QObject::tr("Script Editor — %1").arg(editor->displayName()));

    QAction *toggle = dock->toggleViewAction();
    toggle->setText(QObject::tr("Script &Editor"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    if (QMenu *view = window->viewMenu())
        view->addAction(toggle);
    QObject::connect(toggle, &QAction::triggered, editor, [editor](bool shown) {
        if (shown)
            editor->setFocus();
    });
    connectConsole(window, editor, dock);
    window->addCloseGuard([editor] { return editor->maybeSave(); });

    // A batch run (--screenshot) shows only the view.
    const bool batch = cl.isBatch();
    const bool edit = !batch && !cl.edit.isEmpty();
    dock->setVisible(edit || (!batch && QSettings().value(VisibleKey, false).toBool()));
    if (!batch)
        QObject::connect(toggle, &QAction::toggled, editor, [](bool shown) { QSettings().setValue(VisibleKey, shown); });
    if (edit)
        editor->openFile(cl.edit);
    return editor;
}

} // namespace livepix::gui
