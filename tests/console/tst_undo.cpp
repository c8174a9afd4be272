// Undo for every pixel write: console cells, loops stopped half way, NumPy
// threads, a multi-threaded C++ (OpenImageIO) filter, writes after a
// statement ended; Edit > Undo, the History panel and viewer.undo().
#include <QListWidget>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <livepix/image.h>

#include "consolerun.h"
#include "console/pythonruntime.h"
#include "viewer/backgroundwrites.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/historycontroller.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"
#include "widgets/historydock.h"

using namespace livepix;
using namespace livepix::gui;

namespace {
QByteArray bytesOf(const Image &image)
{
    QByteArray out;
    for (int y = 0; y < image.height(); ++y)
        out.append(reinterpret_cast<const char *>(image.row(y)), qsizetype(std::size_t(image.width()) * image.channels() * image.componentSize()));
    return out;
}
} // namespace

class TestUndo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void eachCellIsOneLabelledStep();
    void cellsThatChangeNothingAddNoStep();
    void loopStoppedHalfWayIsUndoneInOneStep();
    void numpyThreadsAndAnOiioFilterAreSteps();
    void undoFromCodeClosesTheUnitFirst();
    void modifiedMarkFollowsThePixels();
    void undoFromTheGuiWhileCodeRunsIsRefused();
    void historyPanelListsAndJumps();
    void backgroundThreadIsLiveAndOneStep();
    void readintoFailsWithAClearOSError();

private:
    void run(const QString &code);
    History &history() { return *m_viewer->current()->history(); }
    QStringList labels();

    QTemporaryDir m_dir;
    Viewer *m_viewer = nullptr;
    MainWindow *m_window = nullptr;
    PythonRuntime *m_runtime = nullptr;
    QByteArray m_original;
};

void TestUndo::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_dir.path().toLocal8Bit());
    m_viewer = new Viewer;
    m_window = new MainWindow(m_viewer);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_runtime = new PythonRuntime(m_viewer);
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
}

void TestUndo::cleanupTestCase()
{
    delete m_runtime;
    delete m_window;
    delete m_viewer;
}

void TestUndo::init()
{
    for (Document *d : m_viewer->documents())
        m_viewer->close(d);
    // 96x64 RGBA: every byte distinct-ish, so a wrong restore shows.
    Image image = Image::create(96, 64, 4, DType::UInt8);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 96; ++x)
            for (int c = 0; c < 4; ++c)
                image.at<std::uint8_t>(x, y, c) = std::uint8_t(x * 3 + y * 5 + c * 7);
    m_original = bytesOf(image);
    m_viewer->show(image, QStringLiteral("pattern"));
    QCOMPARE(int(history().count()), 0);
}

void TestUndo::run(const QString &code)
{
    const ConsoleRun r = runConsole(m_runtime, code);
    QVERIFY2(r.ok, qPrintable(r.error));
    m_viewer->workUnits()->drain();
}

QStringList TestUndo::labels()
{
    m_viewer->workUnits()->drain();
    QStringList out;
    for (const auto &entry : history().entries())
        out << QString::fromStdString(entry.label);
    return out;
}

void TestUndo::eachCellIsOneLabelledStep()
{
    run(QStringLiteral("a = np.asarray(viewer.image)"));
    run(QStringLiteral("a[:10] = 0"));
    const QByteArray afterFirst = bytesOf(m_viewer->current()->image());
    run(QStringLiteral("for y in range(20, 30):\n    a[y] = 255\n"));
    QCOMPARE(labels(), QStringList({"a[:10] = 0", "for y in range(20, 30):…"}));
    // The memory follows the change: a few rows, not the image.
    QVERIFY(history().entries().at(0).bytes <= 8192);

    QVERIFY(m_window->historyController()->undo());
    QCOMPARE(bytesOf(m_viewer->current()->image()), afterFirst);
    QVERIFY(m_window->historyController()->undo());
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
    QVERIFY(!m_window->historyController()->undo());
    QVERIFY(m_window->historyController()->redo());
    QCOMPARE(bytesOf(m_viewer->current()->image()), afterFirst);
    QCOMPARE(m_window->historyController()->redoAction()->text(), QString("&Redo for y in range(20, 30):…"));
}

void TestUndo::cellsThatChangeNothingAddNoStep()
{
    run(QStringLiteral("a = np.asarray(viewer.image)\nx = 1"));
    run(QStringLiteral("a[:] = a.copy()")); // same values
    run(QStringLiteral("print(len(viewer.history))"));
    QCOMPARE(labels(), QStringList());
    QCOMPARE(history().bytes(), std::size_t(0));
}

void TestUndo::loopStoppedHalfWayIsUndoneInOneStep()
{
    m_runtime->runSource(QStringLiteral(
        "import time\n"
        "a = np.asarray(viewer.image)\n"
        "for y in range(64):\n"
        "    a[y] = 1\n"
        "    time.sleep(0.02)\n"));
    QTRY_VERIFY(m_runtime->isBusy());
    QTest::qWait(400);
    m_runtime->interrupt(); // Ctrl+C half way
    QTRY_VERIFY(!m_runtime->isBusy());
    const QByteArray half = bytesOf(m_viewer->current()->image());
    QVERIFY(half != m_original);
    QCOMPARE(int(labels().size()), 1);
    QVERIFY(m_window->historyController()->undo());
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
}

void TestUndo::numpyThreadsAndAnOiioFilterAreSteps()
{
    run(QStringLiteral(
        "import threading\n"
        "a = np.asarray(viewer.image)\n"
        "ts = [threading.Thread(target=a.__setitem__, args=(slice(i * 8, i * 8 + 8), i * 30)) for i in range(8)]\n"
        "[t.start() for t in ts]\n"
        "[t.join() for t in ts]\n"));
    const QByteArray threaded = bytesOf(m_viewer->current()->image());
    // OpenImageIO's ImageBufAlgo blurs on several threads, in place.
    run(QStringLiteral("livepix.filters.apply('Gaussian Blur (OIIO)', viewer.image, sigma=2.0)"));
    QVERIFY(bytesOf(m_viewer->current()->image()) != threaded);
    // Long cells are labelled by their first 59 characters and "…".
    QCOMPARE(labels(), QStringList({"import threading…", "livepix.filters.apply('Gaussian Blur (OIIO)', viewer.image,…"}));
    run(QStringLiteral("viewer.undo()"));
    QCOMPARE(bytesOf(m_viewer->current()->image()), threaded);
    run(QStringLiteral("viewer.undo()"));
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
}

void TestUndo::undoFromCodeClosesTheUnitFirst()
{
    // One cell writes, then undoes: the write is a step of its own, undone.
    run(QStringLiteral("a = np.asarray(viewer.image)\na[:5] = 9\nok = viewer.undo()\nassert ok\n"
                       "assert [str(e) for e in viewer.history] == ['a = np.asarray(viewer.image)…']\n"
                       "assert a[:5].max() != 9 or a[:5].min() != 9\n"));
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
    QCOMPARE(int(history().position()), 0);
    run(QStringLiteral("viewer.redo()\nassert (a[:5] == 9).all()\nassert viewer.history[0].bytes > 0"));
    QCOMPARE(int(history().position()), 1);
    QCOMPARE(int(history().count()), 1); // undo/redo recorded nothing themselves
}

void TestUndo::modifiedMarkFollowsThePixels()
{
    Document *document = m_viewer->current();
    document->setModified(false); // as if just saved
    run(QStringLiteral("np.asarray(viewer.image)[0, 0] = 1"));
    QVERIFY(document->isModified());
    QVERIFY(m_window->historyController()->undo());
    QVERIFY(!document->isModified());
    QVERIFY(m_window->historyController()->redo());
    QVERIFY(document->isModified());
}

void TestUndo::undoFromTheGuiWhileCodeRunsIsRefused()
{
    run(QStringLiteral("np.asarray(viewer.image)[0] = 3"));
    m_runtime->runSource(QStringLiteral("import time\ntime.sleep(0.8)"));
    QTRY_VERIFY(m_viewer->workUnits()->isOpen());
    QVERIFY(!m_window->historyController()->undo());
    const QString message = m_window->statusBar()->currentMessage();
    QVERIFY2(message.contains("not available while code"), qPrintable(message));
    QTRY_VERIFY(!m_runtime->isBusy());
    QVERIFY(m_window->historyController()->undo());
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
}

void TestUndo::historyPanelListsAndJumps()
{
    run(QStringLiteral("a = np.asarray(viewer.image)\na[0] = 1"));
    run(QStringLiteral("a[1] = 2"));
    run(QStringLiteral("a[2] = 3"));
    QListWidget *list = m_window->historyController()->dock()->list();
    QCOMPARE(list->count(), 4); // Original + three steps
    QVERIFY(list->item(0)->text().startsWith("Original"));
    QVERIFY2(list->item(2)->text().startsWith("a[1] = 2") && list->item(2)->text().contains("KiB"),
             qPrintable(list->item(2)->text()));
    QCOMPARE(list->currentRow(), 3);
    list->setCurrentRow(0); // a click on "Original"
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
    QCOMPARE(int(history().position()), 0);
    list->setCurrentRow(2);
    QCOMPARE(int(history().position()), 2);
    QCOMPARE(int(m_viewer->current()->image().at<std::uint8_t>(0, 1, 0)), 2);
    QCOMPARE(int(m_viewer->current()->image().at<std::uint8_t>(0, 2, 0)), int(std::uint8_t(2 * 5)));
}

void TestUndo::backgroundThreadIsLiveAndOneStep()
{
    // The example: a thread blackens the image after its statement
    // ended. The view must follow without another statement, and the
    // writes become one "Background writes" step after half a second.
    QSignalSpy changed(m_viewer, &Viewer::pixelsChanged);
    run(QStringLiteral(
        "import threading, time\n"
        "a = np.asarray(viewer.image)\n"
        "t = threading.Thread(target=lambda: [(a.__setitem__(slice(i*8, (i+1)*8), 0), time.sleep(0.05)) "
        "for i in range(8)])\n"
        "t.start()\n"));
    const int afterStatement = changed.count();
    QTRY_VERIFY_WITH_TIMEOUT(m_viewer->current()->image().at<std::uint8_t>(50, 63, 0) == 0, 5000);
    QVERIFY2(changed.count() >= afterStatement + 4, qPrintable(QString::number(changed.count() - afterStatement)));
    QTRY_VERIFY_WITH_TIMEOUT(labels().contains(WorkUnits::BackgroundLabel), 5000);
    // The thread's first rows may fall into the cell's own step; all the
    // rest is one background step, the last one.
    QCOMPARE(labels().count(WorkUnits::BackgroundLabel), 1);
    QCOMPARE(labels().last(), WorkUnits::BackgroundLabel);
    QVERIFY(m_window->historyController()->jumpTo(m_viewer->current(), 0));
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
}

// A system call cannot write into the protected buffer: an unbuffered
// readinto fails with EFAULT and leaves the pixels alone; a buffered one
// copies in user space and works (and is undoable) like any write.
void TestUndo::readintoFailsWithAClearOSError()
{
    const ConsoleRun r = runConsole(m_runtime, QStringLiteral(
        "import errno, tempfile\n"
        "f = tempfile.TemporaryFile(buffering=0)\n"
        "_ = f.write(bytes(range(256)) * 2)\n"
        "_ = f.seek(0)\n"
        "row = memoryview(np.asarray(viewer.image)[1]).cast('B')\n"
        "try:\n"
        "    f.readinto(row)\n"
        "except OSError as e:\n"
        "    print('OSError', e.errno == errno.EFAULT)\n"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.printed, QString("OSError True\n"));
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
    QCOMPARE(labels(), QStringList());

    run(QStringLiteral("g = open('/proc/self/exe', 'rb')\n_ = g.readinto(row)\ng.close()"));
    QVERIFY(bytesOf(m_viewer->current()->image()) != m_original);
    QCOMPARE(int(labels().size()), 1);
    QVERIFY(m_window->historyController()->undo());
    QCOMPARE(bytesOf(m_viewer->current()->image()), m_original);
}

QTEST_MAIN(TestUndo)
#include "tst_undo.moc"
