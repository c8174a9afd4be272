#pragma once
// ScriptEditor: the "Script Editor" dock's content (a Python file and its runs).
#include <QList>
#include <QWidget>

#include <functional>

#include "editor/unsavedquestion.h"
#include "widgets/recentlist.h"

class QAction;
class QKeyEvent;
class QMenu;

namespace livepix::gui {

class CodeEditor;
class FindReplaceBar;
class PythonRuntime;
struct ScriptRange;

/// One Python script being edited: a toolbar (file menu, run actions,
/// Stop, find), the CodeEditor and the FindReplaceBar.
///
/// Files: New, Open…, Open Recent (a RecentList), Save, Save As… (.py).
/// Saves are atomic (QSaveFile: the old file stays whole until the new one
/// is complete). Before its text is replaced (New, Open, a traceback link to
/// another file) or the window closes (maybeSave(), hooked into
/// MainWindow's close by installEditor()), a modified buffer asks the
/// UnsavedQuestion: Save, Discard or Cancel.
///
/// Runs go through PythonRuntime::runScriptText() in the console's
/// namespace, so output and tracebacks appear in the console: F5 the whole
/// buffer, Ctrl+Enter the selection or the current line, Ctrl+Shift+Enter
/// line 1 to the cursor's line (ScriptRange says exactly what). A buffer
/// never saved runs as "<untitled-N>". Each run is one unit of work (one
/// undo step, labelled by ScriptRange::label()). Runs are refused while any
/// Python code runs (the actions are disabled: one request at a time, the
/// way the console's Enter waits); Stop (Shift+F5) interrupts whatever runs,
/// like the console's Stop. After a failed run the cursor goes to the
/// deepest traceback frame in this buffer's file, and that line is marked.
///
/// The editor's keys win over the window's while the editor has focus
/// (Ctrl+S saves the script, not the image; Ctrl+H replaces rather than
/// toggling the histogram): the ShortcutOverride of each owned key is taken.
///
/// Threading: GUI thread only.
class ScriptEditor : public QWidget {
    Q_OBJECT
public:
    /// How the editor asks for a file name (Open when !forSave, Save As
    /// otherwise); empty means cancelled. Injectable for tests.
    using PathChooser = std::function<QString(QWidget *parent, bool forSave, const QString &startPath)>;

    explicit ScriptEditor(PythonRuntime *runtime, QWidget *parent = nullptr);
    ~ScriptEditor() override;

    CodeEditor *codeEditor() const { return m_code; }
    FindReplaceBar *findBar() const { return m_findBar; }
    PythonRuntime *runtime() const { return m_runtime; }

    /// The file's absolute path; empty for a buffer never saved.
    QString filePath() const { return m_path; }
    /// What runs and tracebacks call the buffer: the path, or "<untitled-N>".
    QString runName() const;
    /// For titles and labels: the file name, or "untitled-N".
    QString displayName() const;
    bool isModified() const;
    /// True from a run's start until its answer arrived.
    bool isRunning() const { return m_runId != 0; }
    /// File > Open Recent: scripts opened or saved, newest first (at most 10).
    QStringList recentScripts() const { return m_recent.paths(); }

    void setUnsavedQuestion(UnsavedQuestion question) { m_askUnsaved = std::move(question); }
    void setPathChooser(PathChooser chooser) { m_choosePath = std::move(chooser); }

    /// Asks about unsaved changes when there are any. True when the buffer
    /// may go (saved, discarded, or nothing to lose); false on Cancel or a
    /// failed save.
    bool maybeSave();
    bool newScript();
    /// Opens `path` (asking about unsaved changes first). Opening the file
    /// already shown keeps its text as it is. False when cancelled or the
    /// file cannot be read (a message box says why).
    bool openFile(const QString &path);
    /// Goes to 1-based `line` of `path` (a file or this buffer's run name),
    /// opening the file first when another one is shown.
    bool showLocation(const QString &path, int line);
    bool save();
    bool saveAs();
    /// Writes the buffer to `path` atomically; the buffer then is that file.
    bool saveTo(const QString &path);
    /// Console > Save History as Script: asks where (the PathChooser),
    /// writes historyScript(cells) there and shows it as the buffer (asking
    /// about unsaved changes first). False when cancelled or not written.
    bool saveHistoryAsScript(const QStringList &cells);

    /// The run actions: each returns the request's id, 0 when nothing ran
    /// (code is running, or there is no code).
    quint64 runFile();
    quint64 runSelection();
    quint64 runToCursor();
    void stop();

    QAction *runAction() const { return m_runAction; }
    QAction *runSelectionAction() const { return m_runSelectionAction; }
    QAction *runToCursorAction() const { return m_runToCursorAction; }
    QAction *stopAction() const { return m_stopAction; }
    QAction *saveAction() const { return m_saveAction; }

Q_SIGNALS:
    void runStarted();
    void runFinished(bool ok, const QString &error);
    /// The name shown changed (file, or the modified mark): "x.py*".
    void titleChanged(const QString &title);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void createToolBar();
    void fillRecentMenu();
    void showContextMenu(const QPoint &pos);
    quint64 run(const ScriptRange &range);
    void onJobCompleted(quint64 id, bool ok, const QString &error);
    void updateActions();
    void updateTitle();
    void setBuffer(const QString &text, const QString &path);
    void showError(const QString &text);
    QAction *ownedActionFor(const QKeyEvent *key) const;
    QAction *addOwnedAction(const QString &text, const QList<QKeySequence> &keys, std::function<void()> slot);

    PythonRuntime *m_runtime;
    CodeEditor *m_code;
    FindReplaceBar *m_findBar;
    QMenu *m_recentMenu = nullptr;
    RecentList m_recent{QStringLiteral("editor/recentScripts")};
    QString m_path;
    int m_untitledNumber;
    quint64 m_runId = 0;
    QString m_runName; // runName() when the run started (a save may rename)
    UnsavedQuestion m_askUnsaved;
    PathChooser m_choosePath;
    QList<QAction *> m_ownedActions; // their keys beat the window's (eventFilter)
    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_runSelectionAction = nullptr;
    QAction *m_runToCursorAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_replaceAction = nullptr;
    QAction *m_commentAction = nullptr;
};

} // namespace livepix::gui
