#include "editor/scripteditor.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include "console/pythonruntime.h"
#include "console/tracebacklinks.h"
#include "editor/codeeditor.h"
#include "editor/findreplacebar.h"
#include "editor/historyscript.h"
#include "editor/scriptrange.h"
#include "widgets/recentlist.h"

namespace livepix::gui {

namespace {
// Unsaved buffers are numbered per process, as "<untitled-N>" in tracebacks.
int g_untitledCount = 0;

QString chooseWithDialog(QWidget *parent, bool forSave, const QString &startPath)
{
    const QString filter = QObject::tr("Python scripts (*.py);;All files (*)");
    if (!forSave)
        return QFileDialog::getOpenFileName(parent, QObject::tr("Open Script"), startPath, filter);
    QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Save Script As"), startPath, filter);
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".py");
    return path;
}
} // namespace

ScriptEditor::ScriptEditor(PythonRuntime *runtime, QWidget *parent)
    : QWidget(parent), m_runtime(runtime), m_code(new CodeEditor(this)), m_findBar(new FindReplaceBar(m_code, this)),
      m_untitledNumber(++g_untitledCount), m_askUnsaved(askWithMessageBox), m_choosePath(chooseWithDialog)
{
    createActions();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    createToolBar();
    layout->addWidget(m_code, 1);
    layout->addWidget(m_findBar);
    setFocusProxy(m_code);

    for (QObject *keyed : {static_cast<QObject *>(m_code), static_cast<QObject *>(m_findBar->findField()),
                           static_cast<QObject *>(m_findBar->replaceField())})
        keyed->installEventFilter(this);
    m_code->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_code, &QWidget::customContextMenuRequested, this, &ScriptEditor::showContextMenu);
    connect(m_code->document(), &QTextDocument::modificationChanged, this, &ScriptEditor::updateTitle);
    connect(m_runtime, &PythonRuntime::busyChanged, this, &ScriptEditor::updateActions);
    connect(m_runtime, &PythonRuntime::jobCompleted, this, &ScriptEditor::onJobCompleted);
    updateActions();
    updateTitle();
}

ScriptEditor::~ScriptEditor() = default;

QAction *ScriptEditor::addOwnedAction(const QString &text, const QList<QKeySequence> &keys, std::function<void()> slot)
{
    auto *action = new QAction(text, this);
    action->setShortcuts(keys);
    // Only this editor's focus triggers it (see eventFilter): the window has
    // its own Ctrl+O, Ctrl+S and Ctrl+H.
    action->setShortcutContext(Qt::WidgetShortcut);
    QString tip = QString(text).remove(QLatin1Char('&')).remove(QStringLiteral("…"));
    if (!keys.isEmpty())
        tip += QStringLiteral(" (%1)").arg(keys.first().toString(QKeySequence::NativeText));
    action->setToolTip(tip);
    connect(action, &QAction::triggered, this, std::move(slot));
    m_ownedActions.append(action);
    return action;
}

void ScriptEditor::createActions()
{
    m_newAction = addOwnedAction(tr("&New Script"), {QKeySequence::New}, [this] { newScript(); });
    m_openAction = addOwnedAction(tr("&Open Script…"), {QKeySequence::Open}, [this] {
        const QString path = m_choosePath(this, false, m_path.isEmpty() ? QString() : QFileInfo(m_path).path());
        if (!path.isEmpty())
            openFile(path);
    });
    m_saveAction = addOwnedAction(tr("&Save Script"), {QKeySequence::Save}, [this] { save(); });
    m_saveAsAction = addOwnedAction(tr("Save Script &As…"), {QKeySequence::SaveAs}, [this] { saveAs(); });
    m_runAction = addOwnedAction(tr("&Run File"), {QKeySequence(Qt::Key_F5)}, [this] { runFile(); });
    m_runAction->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_runSelectionAction = addOwnedAction(
        tr("Run &Selection or Line"),
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}, [this] { runSelection(); });
    m_runToCursorAction = addOwnedAction(
        tr("Run to &Cursor"),
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Enter)},
        [this] { runToCursor(); });
    m_stopAction = addOwnedAction(tr("S&top"), {QKeySequence(Qt::SHIFT | Qt::Key_F5)}, [this] { stop(); });
    m_stopAction->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_findAction = addOwnedAction(tr("&Find…"), {QKeySequence::Find}, [this] { m_findBar->open(false); });
    m_replaceAction = addOwnedAction(tr("Find and &Replace…"), {QKeySequence(Qt::CTRL | Qt::Key_H)},
                                     [this] { m_findBar->open(true); });
    m_commentAction = addOwnedAction(tr("Toggle &Comment"), {QKeySequence(Qt::CTRL | Qt::Key_Slash)},
                                     [this] { m_code->toggleComment(); });
}

void ScriptEditor::createToolBar()
{
    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    auto *fileMenu = new QMenu(tr("File"), this);
    fileMenu->addAction(m_newAction);
    fileMenu->addAction(m_openAction);
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &ScriptEditor::fillRecentMenu);
    fileMenu->addSeparator();
    fileMenu->addAction(m_saveAction);
    fileMenu->addAction(m_saveAsAction);
    auto *fileButton = new QToolButton(bar);
    fileButton->setText(tr("File"));
    fileButton->setMenu(fileMenu);
    fileButton->setPopupMode(QToolButton::InstantPopup);
    bar->addWidget(fileButton);
    bar->addAction(m_saveAction);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_runSelectionAction);
    bar->addAction(m_runToCursorAction);
    bar->addAction(m_stopAction);
    bar->addSeparator();
    bar->addAction(m_findAction);
    // Short toolbar labels (a QToolButton shows iconText); menus keep the long ones.
    const QList<std::pair<QAction *, QString>> shortNames = {
        {m_saveAction, tr("Save")}, {m_runAction, tr("Run")}, {m_runSelectionAction, tr("Selection")},
        {m_runToCursorAction, tr("To Cursor")}, {m_stopAction, tr("Stop")}, {m_findAction, tr("Find")}};
    for (const auto &[action, name] : shortNames) {
        action->setIconText(name);
        if (auto *button = qobject_cast<QToolButton *>(bar->widgetForAction(action)))
            button->setToolButtonStyle(action->icon().isNull() ? Qt::ToolButtonTextOnly : Qt::ToolButtonTextBesideIcon);
    }
    static_cast<QVBoxLayout *>(layout())->addWidget(bar);
}

void ScriptEditor::fillRecentMenu()
{
    m_recent.fillMenu(m_recentMenu, this, [this](const QString &path) { openFile(path); });
}

void ScriptEditor::showContextMenu(const QPoint &pos)
{
    std::unique_ptr<QMenu> menu(m_code->createStandardContextMenu(pos));
    menu->addSeparator();
    for (QAction *action : {m_runAction, m_runSelectionAction, m_runToCursorAction, m_stopAction})
        menu->addAction(action);
    menu->addSeparator();
    menu->addAction(m_commentAction);
    menu->addAction(m_findAction);
    menu->addAction(m_replaceAction);
    menu->exec(m_code->viewport()->mapToGlobal(pos));
}

QString ScriptEditor::runName() const
{
    return m_path.isEmpty() ? QStringLiteral("<untitled-%1>").arg(m_untitledNumber) : m_path;
}

QString ScriptEditor::displayName() const
{
    return m_path.isEmpty() ? QStringLiteral("untitled-%1").arg(m_untitledNumber) : QFileInfo(m_path).fileName();
}

bool ScriptEditor::isModified() const { return m_code->document()->isModified(); }

void ScriptEditor::updateTitle() { Q_EMIT titleChanged(displayName() + (isModified() ? QStringLiteral("*") : QString())); }

void ScriptEditor::updateActions()
{
    // One request at a time, like the console's Enter: a run is refused
    // (not queued behind a loop the user may be about to stop).
    const bool idle = m_runId == 0 && !m_runtime->isBusy();
    for (QAction *action : {m_runAction, m_runSelectionAction, m_runToCursorAction})
        action->setEnabled(idle);
    m_stopAction->setEnabled(m_runtime->isBusy());
}

// --- Files ------------------------------------------------------------------

bool ScriptEditor::maybeSave()
{
    if (!isModified())
        return true;
    switch (m_askUnsaved(this, displayName())) {
    case UnsavedAnswer::Save:
        return save();
    case UnsavedAnswer::Discard:
        return true;
    case UnsavedAnswer::Cancel:
        break;
    }
    return false;
}

void ScriptEditor::setBuffer(const QString &text, const QString &path)
{
    m_path = path;
    if (path.isEmpty())
        m_untitledNumber = ++g_untitledCount;
    m_code->setPlainText(text); // also starts a fresh undo stack
    m_code->document()->setModified(false);
    m_code->clearErrorLine();
    updateTitle();
}

bool ScriptEditor::newScript()
{
    if (!maybeSave())
        return false;
    setBuffer(QString(), QString());
    return true;
}

bool ScriptEditor::openFile(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (absolute == m_path)
        return true;
    if (!maybeSave())
        return false;
    QFile file(absolute);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot open %1: %2").arg(absolute, file.errorString()));
        return false;
    }
    QString text = QString::fromUtf8(file.readAll());
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    setBuffer(text, absolute);
    m_recent.add(absolute);
    return true;
}

bool ScriptEditor::showLocation(const QString &path, int line)
{
    if (path != runName() && !(QFileInfo(path).isFile() && openFile(path)))
        return false;
    m_code->goToLine(line);
    m_code->setFocus();
    return true;
}

bool ScriptEditor::save() { return m_path.isEmpty() ? saveAs() : saveTo(m_path); }

bool ScriptEditor::saveAs()
{
    const QString start = m_path.isEmpty() ? displayName() + QStringLiteral(".py") : m_path;
    const QString path = m_choosePath(this, true, start);
    return !path.isEmpty() && saveTo(path);
}

bool ScriptEditor::saveTo(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // QSaveFile writes a temporary file and renames it over the old one:
    // a full disk or a crash never leaves half a script.
    QSaveFile file(absolute);
    const QByteArray bytes = m_code->toPlainText().toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        showError(tr("Cannot save %1: %2").arg(absolute, file.errorString()));
        return false;
    }
    m_path = absolute;
    m_code->document()->setModified(false);
    m_recent.add(absolute);
    updateTitle();
    return true;
}

bool ScriptEditor::saveHistoryAsScript(const QStringList &cells)
{
    if (!maybeSave())
        return false;
    const QString path = m_choosePath(this, true, QStringLiteral("console-history.py"));
    if (path.isEmpty())
        return false;
    setBuffer(historyScript(cells), QString());
    if (saveTo(path))
        return true;
    m_code->document()->setModified(true); // not on disk: keep it asking
    return false;
}

void ScriptEditor::showError(const QString &text)
{
    // Window-modal and non-blocking, like the main window's errors: no
    // nested event loop, and tests are not stopped by a dialog.
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Script Editor"), text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// --- Runs -------------------------------------------------------------------

quint64 ScriptEditor::runFile() { return run(ScriptRange::whole(m_code->document())); }

quint64 ScriptEditor::runSelection() { return run(ScriptRange::selectionOrLine(m_code)); }

quint64 ScriptEditor::runToCursor() { return run(ScriptRange::upToCursor(m_code)); }

void ScriptEditor::stop() { m_runtime->interrupt(); }

quint64 ScriptEditor::run(const ScriptRange &range)
{
    if (m_runId != 0 || m_runtime->isBusy() || range.source.trimmed().isEmpty())
        return 0;
    m_code->clearErrorLine();
    m_runName = runName();
    m_runId = m_runtime->runScriptText(range.source, m_runName, range.firstLine, range.label(displayName()),
                                       m_code->toPlainText());
    updateActions();
    Q_EMIT runStarted();
    return m_runId;
}

void ScriptEditor::onJobCompleted(quint64 id, bool ok, const QString &error)
{
    if (id != m_runId)
        return;
    m_runId = 0;
    // Only when the buffer is still the one that ran (not replaced since).
    const int line = ok || m_runName != runName() ? 0 : TracebackLinks::deepestLine(error, m_runName);
    if (line > 0) {
        m_code->goToLine(line);
        m_code->markErrorLine(line);
    }
    updateActions();
    Q_EMIT runFinished(ok, error);
}

// --- Keys -------------------------------------------------------------------

QAction *ScriptEditor::ownedActionFor(const QKeyEvent *key) const
{
    const QKeySequence pressed(QKeyCombination(key->modifiers() & ~Qt::KeypadModifier, Qt::Key(key->key())));
    for (QAction *action : m_ownedActions)
        if (action->shortcuts().contains(pressed))
            return action;
    return nullptr;
}

bool ScriptEditor::eventFilter(QObject *watched, QEvent *event)
{
    // Taking the ShortcutOverride keeps the window's shortcut with the same
    // key from firing (or from being ambiguous with ours); the key press
    // that follows triggers the editor's action.
    if (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (QAction *action = ownedActionFor(key)) {
            if (event->type() == QEvent::ShortcutOverride)
                event->accept();
            else if (action->isEnabled())
                action->trigger();
            return true;
        }
        if (watched == m_code && key->key() == Qt::Key_Escape && m_findBar->isVisible()) {
            if (event->type() == QEvent::KeyPress)
                m_findBar->close();
            event->accept();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace livepix::gui
