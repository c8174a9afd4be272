// The script editor in the real window (Application + installConsole +
// installEditor, started with --edit): runs of the file, the selection, the
// line and up to the cursor; the traceback jump; files and the unsaved
// question (also on quit); the editor's keys; console links; history as a
// script; Stop; one undo step per run.
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include <livepix/image.h>

#include "console/consolehistory.h"
#include "console/consolewidget.h"
#include "console/installconsole.h"
#include "console/pythonruntime.h"
#include "console/tracebacklinks.h"
#include "editor/codeeditor.h"
#include "editor/findreplacebar.h"
#include "editor/installeditor.h"
#include "editor/scripteditor.h"
#include "viewer/application.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"
#include "widgets/histogramdock.h"

using namespace livepix;
using namespace livepix::gui;

namespace {
QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}
} // namespace

class TestScriptEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void editOptionOpensTheFileInAShownDock();
    void runsTheWholeFile();
    void runsTheSelection();
    void runsTheCurrentLine();
    void runsToTheCursor();
    void runShowsTheConsole();
    void tracebackJumpsToTheFileLineOfASelection();
    void saveAndOpenRoundTrip();
    void unsavedQuestion_data();
    void unsavedQuestion();
    void quitAsksAboutTheScript();
    void editorKeysBeatTheWindowShortcuts();
    void consoleLinkOpensTheFileAtTheLine();
    void saveHistoryAsScript();
    void stopInterruptsAnEditorRun();
    void oneRunIsOneLabelledUndoStep();

private:
    /// Starts a run with `start` and waits for its answer. Returns ok;
    /// *error gets the traceback.
    bool runAndWait(const std::function<quint64()> &start, QString *error = nullptr);
    /// Runs `code` in the console namespace; fails the test if it raised.
    void check(const QString &code);
    void selectLines(int first, int last);
    /// Replaces the buffer's text the way typing does (an undoable edit that
    /// marks it modified; setPlainText() would mark it clean).
    void setText(const QString &text);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::unique_ptr<Application> m_app;
    PythonRuntime *m_runtime = nullptr;
    ScriptEditor *m_editor = nullptr;
    ConsoleWidget *m_console = nullptr;
    QDockWidget *m_editorDock = nullptr;
    QDockWidget *m_consoleDock = nullptr;
    QStringList m_asked; // names the unsaved question was asked about
    UnsavedAnswer m_answer = UnsavedAnswer::Discard;
};

void TestScriptEditor::initTestCase()
{
    // No user startup.py, settings, history or recent scripts.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
    QApplication::setQuitOnLastWindowClosed(false); // quitAsksAboutTheScript closes the window
    QVERIFY(writeFile(path(QStringLiteral("start.py")), "started = 'yes'\n"));
    m_app = std::make_unique<Application>(
        QStringList{QStringLiteral("livepix"), QStringLiteral("--edit"), path(QStringLiteral("start.py"))});
    m_runtime = installConsole(*m_app);
    m_editor = installEditor(*m_app, m_runtime);
    MainWindow *window = m_app->mainWindow();
    m_editorDock = window->findChild<QDockWidget *>(QStringLiteral("scriptEditor"));
    m_consoleDock = window->findChild<QDockWidget *>(QStringLiteral("pythonConsole"));
    QVERIFY(m_editorDock && m_consoleDock);
    m_console = qobject_cast<ConsoleWidget *>(m_consoleDock->widget());
    QVERIFY(m_console);
    m_editor->setUnsavedQuestion([this](QWidget *, const QString &name) {
        m_asked << name;
        return m_answer;
    });
    window->resize(1000, 700);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_runtime->isBusy(), 30000);
}

void TestScriptEditor::cleanupTestCase() { m_app.reset(); } // finalizes Python

void TestScriptEditor::init()
{
    QTRY_VERIFY_WITH_TIMEOUT(!m_runtime->isBusy(), 20000);
    m_asked.clear();
    m_answer = UnsavedAnswer::Discard;
    m_editor->setPathChooser([](QWidget *, bool, const QString &) { return QString(); });
    m_editorDock->show();
}

bool TestScriptEditor::runAndWait(const std::function<quint64()> &start, QString *error)
{
    QSignalSpy finished(m_editor, &ScriptEditor::runFinished);
    if (start() == 0) {
        qWarning("the run did not start");
        return false;
    }
    if (!finished.wait(30000)) {
        qWarning("the run did not finish");
        return false;
    }
    if (error)
        *error = finished.first().at(1).toString();
    if (!QTest::qWaitFor([this] { return !m_runtime->isBusy(); }, 20000)) {
        qWarning("the runtime stayed busy after the run finished");
        return false;
    }
    return finished.first().at(0).toBool();
}

void TestScriptEditor::check(const QString &code)
{
    QString error;
    QVERIFY2(m_runtime->runAndWait(code, false, &error), qPrintable(error));
}

void TestScriptEditor::selectLines(int first, int last)
{
    QTextDocument *document = m_editor->codeEditor()->document();
    QTextCursor cursor(document->findBlockByNumber(first - 1));
    const QTextBlock end = document->findBlockByNumber(last - 1);
    cursor.setPosition(end.position() + end.length() - 1, QTextCursor::KeepAnchor);
    m_editor->codeEditor()->setTextCursor(cursor);
}

void TestScriptEditor::setText(const QString &text)
{
    m_editor->codeEditor()->selectAll();
    m_editor->codeEditor()->insertPlainText(text);
}

void TestScriptEditor::editOptionOpensTheFileInAShownDock()
{
    QCOMPARE(m_editor->filePath(), path(QStringLiteral("start.py")));
    QCOMPARE(m_editor->codeEditor()->toPlainText(), QStringLiteral("started = 'yes'\n"));
    QVERIFY(!m_editor->isModified());
    QVERIFY(m_editorDock->isVisible());
    QVERIFY(m_editorDock->windowTitle().contains(QStringLiteral("start.py")));
    // --edit opens; it does not run.
    check(QStringLiteral("assert 'started' not in globals()"));
}

void TestScriptEditor::runsTheWholeFile()
{
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("whole = 1\nwhole += 2\n"));
    QVERIFY(runAndWait([this] { return m_editor->runFile(); }));
    check(QStringLiteral("assert whole == 3, whole"));
}

void TestScriptEditor::runsTheSelection()
{
    QVERIFY(m_editor->newScript());
    setText(
        QStringLiteral("sel_x = 100\nsel_y = 1\nsel_y += 1\nsel_z = 5\ndef sel_f():\n    sel_w = 7\n    sel_v = sel_w + 1\n"));
    selectLines(2, 3);
    QVERIFY(runAndWait([this] { return m_editor->runSelection(); }));
    check(QStringLiteral("assert sel_y == 2 and 'sel_x' not in globals() and 'sel_z' not in globals()"));
    selectLines(6, 7); // lines of a function body run dedented
    QVERIFY(runAndWait([this] { return m_editor->runSelection(); }));
    check(QStringLiteral("assert sel_v == 8 and 'sel_f' not in globals()"));
}

void TestScriptEditor::runsTheCurrentLine()
{
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("line_a = 1\nline_b = 2\nline_c = 3\n"));
    m_editor->codeEditor()->goToLine(2);
    QVERIFY(runAndWait([this] { return m_editor->runSelection(); }));
    check(QStringLiteral("assert line_b == 2 and 'line_a' not in globals() and 'line_c' not in globals()"));
}

void TestScriptEditor::runsToTheCursor()
{
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("upto = 1\nupto += 1\nupto += 1\nupto += 100\n"));
    m_editor->codeEditor()->goToLine(3);
    QVERIFY(runAndWait([this] { return m_editor->runToCursor(); }));
    check(QStringLiteral("assert upto == 3, upto"));
}

void TestScriptEditor::runShowsTheConsole()
{
    m_consoleDock->hide();
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("print('shown')\n"));
    QVERIFY(runAndWait([this] { return m_editor->runFile(); }));
    QVERIFY(m_consoleDock->isVisible());
    QTRY_VERIFY(m_console->outputText().contains(QStringLiteral("shown")));
}

void TestScriptEditor::tracebackJumpsToTheFileLineOfASelection()
{
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("import math\n"         // 1
                                                        "\n"                    // 2
                                                        "def jump_inner():\n"   // 3
                                                        "    return 1 / 0\n"    // 4
                                                        "\n"                    // 5
                                                        "def jump_outer():\n"   // 6
                                                        "    return jump_inner()\n" // 7
                                                        "\n"                    // 8
                                                        "jump_a = 1\n"          // 9
                                                        "jump_b = jump_outer()\n" // 10
                                                        "jump_c = 3\n"));       // 11
    selectLines(3, 7);
    QVERIFY(runAndWait([this] { return m_editor->runSelection(); }));
    selectLines(9, 11);
    QString error;
    QVERIFY(!runAndWait([this] { return m_editor->runSelection(); }, &error));
    QVERIFY2(error.contains(QStringLiteral("ZeroDivisionError")), qPrintable(error));
    const QString name = m_editor->runName();
    // The standard console's frame, or IPython's (the app's console when
    // it is installed; this test also runs with it hidden).
    QVERIFY2(error.contains(QStringLiteral("File \"%1\", line 10").arg(name))
                 || error.contains(QStringLiteral("File %1:10").arg(name)),
             qPrintable(error));
    // The deepest frame of this buffer is line 4 of the file (line 2 of
    // neither selection).
    QCOMPARE(m_editor->codeEditor()->currentLine(), 4);
    QCOMPARE(m_editor->codeEditor()->errorLine(), 4);
    check(QStringLiteral("assert jump_a == 1 and 'jump_c' not in globals()"));

    // A syntax error in a selection from the middle names the file's line.
    setText(QStringLiteral("ok = 1\nok = 2\nok = 3\nbad = (\n"));
    selectLines(3, 4);
    QVERIFY(!runAndWait([this] { return m_editor->runSelection(); }, &error));
    QVERIFY2(error.contains(QStringLiteral("SyntaxError")), qPrintable(error));
    QCOMPARE(m_editor->codeEditor()->currentLine(), 4);
}

void TestScriptEditor::saveAndOpenRoundTrip()
{
    QVERIFY(m_editor->newScript());
    const QString text = QStringLiteral("# café\nvalue = 'ünïcode'\n\n\nprint(value)");
    setText(text);
    QVERIFY(m_editor->isModified());
    const QString file = path(QStringLiteral("roundtrip.py"));
    m_editor->setPathChooser([file](QWidget *, bool forSave, const QString &) { return forSave ? file : QString(); });
    QVERIFY(m_editor->save()); // never saved: Save asks where (Save As)
    QCOMPARE(readAll(file), text.toUtf8());
    QVERIFY(!m_editor->isModified());
    QCOMPARE(m_editor->filePath(), file);
    QCOMPARE(m_editor->runName(), file);
    QCOMPARE(m_editor->recentScripts().value(0), file);

    m_asked.clear();
    QVERIFY(m_editor->newScript());
    QVERIFY(m_asked.isEmpty()); // nothing unsaved: no question
    QVERIFY(m_editor->codeEditor()->toPlainText().isEmpty());
    QVERIFY(m_editor->openFile(file));
    QCOMPARE(m_editor->codeEditor()->toPlainText(), text);
    QVERIFY(!m_editor->isModified());

    // Saving again replaces the file whole.
    setText(QStringLiteral("short = 1\n"));
    QVERIFY(m_editor->save());
    QCOMPARE(readAll(file), QByteArray("short = 1\n"));
    QVERIFY(!m_editor->isModified());
}

void TestScriptEditor::unsavedQuestion_data()
{
    QTest::addColumn<int>("answer");
    QTest::addColumn<bool>("replaced");
    QTest::addColumn<QByteArray>("onDisk");
    QTest::newRow("Cancel keeps the buffer") << int(UnsavedAnswer::Cancel) << false << QByteArray("orig = 1\n");
    QTest::newRow("Discard drops it") << int(UnsavedAnswer::Discard) << true << QByteArray("orig = 1\n");
    QTest::newRow("Save writes it") << int(UnsavedAnswer::Save) << true << QByteArray("orig = 1\nedited = 2\n");
}

void TestScriptEditor::unsavedQuestion()
{
    QFETCH(int, answer);
    QFETCH(bool, replaced);
    QFETCH(QByteArray, onDisk);
    const QString file = path(QStringLiteral("unsaved.py"));
    QVERIFY(writeFile(file, "orig = 1\n"));
    QVERIFY(m_editor->newScript());
    QVERIFY(m_editor->openFile(file));
    QTextCursor end = m_editor->codeEditor()->textCursor();
    end.movePosition(QTextCursor::End);
    m_editor->codeEditor()->setTextCursor(end);
    m_editor->codeEditor()->insertPlainText(QStringLiteral("edited = 2\n")); // as typed: an undoable edit
    QVERIFY(m_editor->isModified());
    m_asked.clear();
    m_answer = UnsavedAnswer(answer);
    QCOMPARE(m_editor->newScript(), replaced);
    QCOMPARE(m_asked, QStringList{QStringLiteral("unsaved.py")});
    QCOMPARE(readAll(file), onDisk);
    if (replaced) {
        QVERIFY(m_editor->codeEditor()->toPlainText().isEmpty());
        QVERIFY(m_editor->filePath().isEmpty());
    } else {
        QCOMPARE(m_editor->codeEditor()->toPlainText(), QStringLiteral("orig = 1\nedited = 2\n"));
        QVERIFY(m_editor->isModified());
        QCOMPARE(m_editor->filePath(), file);
    }
}

void TestScriptEditor::quitAsksAboutTheScript()
{
    MainWindow *window = m_app->mainWindow();
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("unsaved_on_quit = 1\n"));
    m_answer = UnsavedAnswer::Cancel;
    QVERIFY(!window->close()); // Cancel keeps the window (and Python) running
    QCOMPARE(m_asked.size(), 1);
    QVERIFY(window->isVisible());
    QVERIFY(m_editor->isModified());
    m_answer = UnsavedAnswer::Discard;
    QVERIFY(window->close());
    QCOMPARE(m_asked.size(), 2);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QVERIFY(m_editor->newScript());
}

void TestScriptEditor::editorKeysBeatTheWindowShortcuts()
{
    CodeEditor *code = m_editor->codeEditor();
    const QString file = path(QStringLiteral("keys.py"));
    QVERIFY(writeFile(file, "keys_run = 7\nkeys_other = 1\n"));
    QVERIFY(m_editor->openFile(file));
    m_app->mainWindow()->activateWindow();
    code->setFocus();
    QTRY_VERIFY(code->hasFocus());

    QTest::keyClick(code, Qt::Key_F5);
    QTRY_VERIFY_WITH_TIMEOUT(!m_editor->isRunning() && !m_runtime->isBusy(), 20000);
    check(QStringLiteral("assert keys_run == 7"));

    selectLines(1, 2);
    QTest::keyClick(code, Qt::Key_Slash, Qt::ControlModifier);
    QCOMPARE(code->toPlainText(), QStringLiteral("# keys_run = 7\n# keys_other = 1\n"));
    // Ctrl+S saves the script (the window's Ctrl+S saves the image).
    QTest::keyClick(code, Qt::Key_S, Qt::ControlModifier);
    QCOMPARE(readAll(file), QByteArray("# keys_run = 7\n# keys_other = 1\n"));
    // Ctrl+H opens find and replace (the window's Ctrl+H is the histogram).
    const bool histogramShown = m_app->mainWindow()->histogramDock()->isVisible();
    QTest::keyClick(code, Qt::Key_H, Qt::ControlModifier);
    QVERIFY(m_editor->findBar()->isVisible());
    QVERIFY(m_editor->findBar()->replaceField()->isVisible());
    QCOMPARE(m_app->mainWindow()->histogramDock()->isVisible(), histogramShown);
    QTest::keyClick(m_editor->findBar()->findField(), Qt::Key_Escape);
    QVERIFY(!m_editor->findBar()->isVisible());
}

void TestScriptEditor::consoleLinkOpensTheFileAtTheLine()
{
    const QString file = path(QStringLiteral("linked.py"));
    QByteArray source;
    for (int i = 1; i <= 11; ++i)
        source += "linked_" + QByteArray::number(i) + " = " + QByteArray::number(i) + "\n";
    source += "raise RuntimeError('line 12 fails')\n";
    QVERIFY(writeFile(file, source));
    QVERIFY(m_editor->newScript());
    m_console->clearOutput();
    QString error;
    QVERIFY(!m_runtime->runAndWait(file, true, &error)); // like --script
    QTRY_VERIFY(m_console->outputText().contains(QStringLiteral("line 12 fails")));

    // The frame line in the console output is an anchor.
    QString href;
    int anchorPosition = -1;
    const QTextDocument *output = m_console->outputView()->document();
    for (QTextBlock block = output->begin(); block.isValid() && href.isEmpty(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isAnchor()) {
                href = it.fragment().charFormat().anchorHref();
                anchorPosition = it.fragment().position() + 2;
            }
    QCOMPARE(TracebackLinks::fromHref(href).path, file);
    QCOMPARE(TracebackLinks::fromHref(href).line, 12);

    // A click on it (the mouse path of ConsoleWidget) opens the file there.
    m_editorDock->hide();
    QSignalSpy activated(m_console, &ConsoleWidget::locationActivated);
    QPlainTextEdit *view = m_console->outputView();
    QTextCursor at(view->document());
    at.setPosition(anchorPosition);
    view->setTextCursor(at);
    view->ensureCursorVisible();
    const QPoint point = view->cursorRect(at).center();
    QCOMPARE(view->anchorAt(point), href);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, point);
    QCOMPARE(activated.size(), 1);
    QVERIFY(m_editorDock->isVisible());
    QCOMPARE(m_editor->filePath(), file);
    QCOMPARE(m_editor->codeEditor()->currentLine(), 12);

    // The slot does the same (a link to the line of another file).
    m_editor->codeEditor()->goToLine(1);
    m_console->activateLink(TracebackLinks::toHref({file, 5}));
    QCOMPARE(activated.size(), 2);
    QCOMPARE(m_editor->codeEditor()->currentLine(), 5);
}

void TestScriptEditor::saveHistoryAsScript()
{
    ConsoleHistory *history = m_console->history();
    history->clear();
    history->add(QStringLiteral("hist_a = 1"));
    history->add(QStringLiteral("for i in range(3):\n    hist_a += i"));
    const QString file = path(QStringLiteral("history.py"));
    m_editor->setPathChooser([file](QWidget *, bool forSave, const QString &) { return forSave ? file : QString(); });
    QAction *action = nullptr;
    for (QAction *a : m_app->mainWindow()->fileMenu()->actions())
        if (a->text().contains(QStringLiteral("History as Script")))
            action = a;
    QVERIFY(action);
    action->trigger();
    QCOMPARE(m_editor->filePath(), file);
    const QByteArray written = readAll(file);
    QVERIFY2(written.contains("hist_a = 1\n\nfor i in range(3):\n    hist_a += i\n"), written.constData());
    QCOMPARE(m_editor->codeEditor()->toPlainText().toUtf8(), written);
    QVERIFY(runAndWait([this] { return m_editor->runFile(); }));
    check(QStringLiteral("assert hist_a == 4, hist_a"));
}

void TestScriptEditor::stopInterruptsAnEditorRun()
{
    QVERIFY(m_editor->newScript());
    setText(QStringLiteral("while True:\n    pass\n"));
    QSignalSpy finished(m_editor, &ScriptEditor::runFinished);
    QVERIFY(m_editor->runFile() != 0);
    QTRY_VERIFY(m_runtime->isBusy());
    QVERIFY(!m_editor->runAction()->isEnabled()); // one run at a time
    QVERIFY(m_editor->runFile() == 0);
    QTest::qWait(300); // inside the loop
    QVERIFY(m_editor->stopAction()->isEnabled());
    QElapsedTimer timer;
    timer.start();
    m_editor->stopAction()->trigger();
    QVERIFY(finished.wait(5000));
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("KeyboardInterrupt")));
    QTRY_VERIFY(m_editor->runAction()->isEnabled());
    const int stoppedAt = m_editor->codeEditor()->errorLine(); // where it stopped
    QVERIFY2(stoppedAt == 1 || stoppedAt == 2, qPrintable(QString::number(stoppedAt)));
}

void TestScriptEditor::oneRunIsOneLabelledUndoStep()
{
    Viewer *viewer = m_app->viewer();
    Image image = Image::create(32, 16, 4, DType::UInt8);
    viewer->show(image, QStringLiteral("undo target"));
    Document *document = viewer->current();
    QVERIFY(document);
    const QString file = path(QStringLiteral("steps.py"));
    QVERIFY(writeFile(file, "a = np.asarray(viewer.image)\na[:4] += 10\na[4:8] += 20\n"));
    QVERIFY(m_editor->openFile(file));
    QVERIFY(runAndWait([this] { return m_editor->runFile(); }));
    selectLines(2, 3);
    QVERIFY(runAndWait([this] { return m_editor->runSelection(); }));
    viewer->workUnits()->drain();
    QStringList labels;
    for (const auto &entry : document->history()->entries())
        labels << QString::fromStdString(entry.label);
    QCOMPARE(labels, QStringList({QStringLiteral("Run steps.py"), QStringLiteral("Run steps.py lines 2–3")}));
}

QTEST_MAIN(TestScriptEditor)
#include "tst_scripteditor.moc"
