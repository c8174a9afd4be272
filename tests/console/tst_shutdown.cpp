// Quitting while work runs: the user is asked about unsaved images first
// (Cancel keeps everything running), then filters are cancelled and Python
// code interrupted, and only then is Python finalized. No crash, no hang.
//
// Python cannot be started twice in one process, so ctest runs each test
// function in a process of its own (see CMakeLists.txt).
#include <Python.h>

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <livepix/filterregistry.h>

#include <chrono>
#include <memory>
#include <thread>

#include "console/installconsole.h"
#include "console/pythonruntime.h"
#include "pluginhost/pluginhost.h"
#include "viewer/application.h"
#include "viewer/backgroundjobs.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

/// Writes row after row for ~20 s, checking for cancel between rows.
class SlowCppFilter : public Filter {
public:
    std::string name() const override { return "Slow C++"; }
    std::vector<DType> dtypes() const override { return {DType::UInt8}; }
    void apply(const Image &image, const ParamValues &, FilterContext &context) const override
    {
        for (int i = 0; i < 2000; ++i) {
            context.throwIfCancelled("Slow C++");
            image.at<std::uint8_t>(i % image.width(), 0, 0) = 200;
            context.setProgress(float(i) / 2000.f);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
};

bool samePixels(const Image &a, const Image &b)
{
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            for (int c = 0; c < a.channels(); ++c)
                if (a.at<std::uint8_t>(x, y, c) != b.at<std::uint8_t>(x, y, c))
                    return false;
    return true;
}

} // namespace

class TestShutdown : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void quitWhileCppFilterRuns();
    void quitWhilePythonFilterRuns();
    void quitWhileScriptLoops();
    void unsavedImagesAreAskedAboutFirst();

private:
    /// Closes the window (answering nothing), stops everything, tears down.
    void quitAndTearDown();
    QString run(const QString &code);
    /// Answers the next message box with `button`; records what was running then.
    void answerNextQuestion(QMessageBox::StandardButton button);

    QTemporaryDir m_dir;
    std::unique_ptr<Application> m_app;
    PythonRuntime *m_runtime = nullptr;
    PluginHost *m_host = nullptr;
    Document *m_document = nullptr;
    Image m_image;
    Image m_original;
    QStringList m_questions;
    bool m_filterRanAtQuestion = false;
    bool m_codeRanAtQuestion = false;
};

void TestShutdown::init()
{
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
    qputenv("LIVEPIX_PLUGIN_PATH", m_dir.filePath(QStringLiteral("plugins")).toLocal8Bit());
    m_app = std::make_unique<Application>(QStringList{QStringLiteral("livepix")});
    m_runtime = installConsole(*m_app);
    installPluginHost(*m_app);
    m_host = m_app->mainWindow()->findChild<PluginHost *>();
    QVERIFY(m_host);
    m_host->setInteractive(false);
    m_app->mainWindow()->show();
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_runtime->isBusy(), 30000);
    Image image = Image::create(64, 48, 3, DType::UInt8);
    m_document = m_app->viewer()->show(image, QStringLiteral("work"));
    m_image = image;
    m_original = image.copy();
}

void TestShutdown::cleanup()
{
    m_app.reset();
    m_runtime = nullptr;
    m_host = nullptr;
}

QString TestShutdown::run(const QString &code)
{
    QString error;
    [&] { QVERIFY2(m_runtime->runAndWait(code, false, &error), qPrintable(error)); }();
    return error;
}

void TestShutdown::answerNextQuestion(QMessageBox::StandardButton button)
{
    QTimer::singleShot(0, this, [this, button] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        m_questions << box->text();
        m_filterRanAtQuestion = m_host->isRunning();
        m_codeRanAtQuestion = m_runtime->isBusy();
        box->button(button)->click();
    });
}

void TestShutdown::quitAndTearDown()
{
    MainWindow *window = m_app->mainWindow();
    QVERIFY(window->close());
    QVERIFY(!window->isVisible());
    // Everything stopped in time (nothing was left running unfinalized)...
    QVERIFY(m_app->shutdown());
    QVERIFY(!Py_IsInitialized());
    // ...and the teardown after it neither crashes nor leaves jobs behind.
    m_app.reset();
    QCOMPARE(BackgroundJobs::instance().count(), 0);
}

void TestShutdown::quitWhileCppFilterRuns()
{
    FilterRegistry::instance().add(std::make_shared<SlowCppFilter>());
    QVERIFY(m_host->runFilter(QStringLiteral("Slow C++")));
    QTRY_VERIFY(m_host->progress() > 0.f);
    quitAndTearDown();
    QVERIFY(samePixels(m_image, m_original)); // cancelled: the run put the pixels back
}

void TestShutdown::quitWhilePythonFilterRuns()
{
    run(QStringLiteral("import time\n"
                       "@livepix.filter('Slow Python', dtypes=['uint8'])\n"
                       "def slow(array):\n"
                       "    for i in range(2000):\n"
                       "        array[0, i % array.shape[1], 0] = 200\n"
                       "        time.sleep(0.01)\n"));
    QVERIFY(m_host->runFilter(QStringLiteral("Slow Python")));
    QTRY_VERIFY(m_image.at<std::uint8_t>(0, 0, 0) == 200); // it runs
    QVERIFY(m_host->isRunning());
    quitAndTearDown();
    QVERIFY(samePixels(m_image, m_original));
}

void TestShutdown::quitWhileScriptLoops()
{
    m_runtime->runSource(QStringLiteral("import numpy as np\na = np.asarray(viewer.image)\n"
                                        "while True:\n    a[0, 0, 0] = 200\n    viewer.zoom\n"));
    QTRY_VERIFY(m_image.at<std::uint8_t>(0, 0, 0) == 200);
    QVERIFY(m_runtime->isBusy());
    quitAndTearDown();
}

void TestShutdown::unsavedImagesAreAskedAboutFirst()
{
    FilterRegistry::instance().add(std::make_shared<SlowCppFilter>());
    m_document->setModified(true);
    QVERIFY(m_host->runFilter(QStringLiteral("Slow C++")));
    m_runtime->runSource(QStringLiteral("while True:\n    pass\n"));
    QTRY_VERIFY(m_runtime->isBusy() && m_host->progress() > 0.f);
    MainWindow *window = m_app->mainWindow();

    // Cancel: the window stays, the filter and the script keep running.
    answerNextQuestion(QMessageBox::Cancel);
    QVERIFY(!window->close());
    QCOMPARE(m_questions.size(), 1);
    QVERIFY2(m_questions[0].contains(QStringLiteral("work")), qPrintable(m_questions[0]));
    QVERIFY(m_filterRanAtQuestion && m_codeRanAtQuestion);
    QVERIFY(window->isVisible());
    QVERIFY(m_host->isRunning());
    QVERIFY(m_runtime->isBusy());
    QCOMPARE(m_app->viewer()->documents().size(), 1);
    const float progress = m_host->progress();
    QTRY_VERIFY(m_host->progress() > progress); // still running

    // Discard: asked again (before anything stopped), then everything stops.
    answerNextQuestion(QMessageBox::Discard);
    quitAndTearDown();
    QCOMPARE(m_questions.size(), 2);
    QVERIFY(m_filterRanAtQuestion && m_codeRanAtQuestion);
}

QTEST_MAIN(TestShutdown)
#include "tst_shutdown.moc"
