#include "viewer/application.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QImage>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "attach/tevdocuments.h"
#include "attach/tevserver.h"
#include "viewer/backgroundjobs.h"
#include "recovery/recovery.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/folderbrowser.h"
#include "viewer/mainwindow.h"
#include "viewer/resources.h"
#include "viewer/startupsequence.h"
#include "viewer/viewer.h"
#include "widgets/histogramdock.h"

namespace livepix::gui {

namespace {

void printErr(const QString &text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
    std::fflush(stderr);
}

void printOut(const QString &text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

} // namespace

Application::Application(QObject *parent) : Application(QCoreApplication::arguments(), parent) {}

Application::Application(const QStringList &arguments, QObject *parent)
    : QObject(parent), m_commandLine(CommandLine::parse(arguments))
{
    initResources();
    if (QCoreApplication::organizationName().isEmpty())
        QCoreApplication::setOrganizationName(QStringLiteral("livepix"));
    if (QCoreApplication::applicationName().isEmpty() ||
        QCoreApplication::applicationName() == QFileInfo(QCoreApplication::applicationFilePath()).baseName())
        QCoreApplication::setApplicationName(QStringLiteral("livepix"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LIVEPIX_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("livepix"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/livepix/livepix.png")));
    m_viewer = std::make_unique<Viewer>();
    m_window = std::make_unique<MainWindow>(m_viewer.get());
    connect(qApp, &QCoreApplication::aboutToQuit, this, &Application::shutdown);
    if (m_commandLine.isBatch()) // a batch screenshot shows the view at the window's full size
        m_window->histogramDock()->hide();
    else
        m_window->folderBrowser()->setPrefetch(true); // the neighbours of what is shown load ahead
    // The first frame (see whenFirstFrameShown): the canvas's first paint,
    // or once run() is loading the startup files, its first paint of one.
    Canvas *canvas = m_window->canvas();
    auto firstFrame = std::make_shared<QMetaObject::Connection>();
    *firstFrame = connect(canvas, &Canvas::painted, this, [this, canvas, firstFrame] {
        if (m_awaitingStartupImage && canvas->imageSize().isEmpty())
            return;
        disconnect(*firstFrame);
        markFirstFrameShown();
    });
}

Application::~Application()
{
    shutdown();
    // tev's server writes into the viewer's documents: it goes first.
    m_tevServer.reset();
    m_tevDocuments.reset();
    // Recovery and the window listen to the viewer: destroy them first.
    m_recovery.reset(); // the clean quit: this instance's checkpoints go
    m_window.reset();
    m_viewer.reset();
}

void Application::addStartupHook(StartupHook hook) { m_hooks.push_back(std::move(hook)); }

void Application::addShutdownHook(ShutdownHook hook) { m_shutdownHooks.push_back(std::move(hook)); }

bool Application::shutdown()
{
    if (std::exchange(m_shutDown, true))
        return m_allStopped;
    const QStringList stuck = BackgroundJobs::instance().cancelAndWait(StopTimeoutMs);
    for (const QString &job : stuck)
        printErr(QStringLiteral("livepix: %1 did not stop within %2 s of quitting; not waiting for it")
                     .arg(job)
                     .arg(StopTimeoutMs / 1000));
    m_allStopped = stuck.isEmpty();
    // A save that has started is finished, never cut short: its target is
    // replaced atomically at the end, so waiting is what keeps the file whole.
    if (m_viewer) {
        m_viewer->cancelLoad();
        m_viewer->waitForJobs();
    }
    for (auto hook = m_shutdownHooks.rbegin(); hook != m_shutdownHooks.rend(); ++hook)
        (*hook)(m_allStopped);
    return m_allStopped;
}

void Application::setListPluginsHandler(std::function<int()> handler) { m_listPlugins = std::move(handler); }

LoadJob *Application::openSample(QString *error)
{
    QFile resource(QStringLiteral(":/livepix/sample.png"));
    // Kept until the load is over, then removed with its file.
    auto dir = std::make_shared<QTemporaryDir>();
    const QString path = dir->filePath(sampleName());
    if (!dir->isValid() || !resource.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: the bundled sample is missing from this build").arg(sampleName());
        return nullptr;
    }
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(resource.readAll()) < 0) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, out.errorString());
        return nullptr;
    }
    out.close();
    LoadJob *job = m_viewer->openAsync(path);
    connect(job, &LoadJob::finished, this, [dir](Document *document) {
        if (document)
            document->setFilePath(QString()); // the temporary copy goes away
    });
    return job;
}

StartupSequence *Application::makeStartupSequence()
{
    auto *sequence = new StartupSequence(this);
    const bool batch = m_commandLine.isBatch();
    // A batch run stops at the first failure: a screenshot of a half-done
    // setup would be misleading. An interactive run still runs the hooks
    // when a file failed to open.
    if (m_commandLine.recover) {
        // A batch run quits without asking: it leaves the checkpoints in place.
        sequence->addStep(
            [this, batch](StartupSequence::Done done) {
                QStringList errors;
                m_recovery->restore(m_recovery->recoverable(), !batch, &errors);
                done(errors);
            },
            batch);
    }
    // With --tev the window waits for tev's images: no sample.
    if (m_commandLine.files.isEmpty() && !m_commandLine.recover && !m_commandLine.tev) {
        sequence->addStep(
            [this](StartupSequence::Done done) {
                QString error;
                LoadJob *job = openSample(&error);
                if (!job) {
                    done({error});
                    return;
                }
                connect(job, &LoadJob::finished, this, [done](Document *document, const QString &failure) {
                    done(document ? QStringList() : QStringList{failure});
                });
            },
            batch);
    } else if (!m_commandLine.files.isEmpty()) {
        std::function<void(const QString &)> opened;
        if (!batch)
            opened = [this](const QString &path) { m_window->addRecentFile(QFileInfo(path).absoluteFilePath()); };
        sequence->addStep(StartupSequence::openFilesStep(m_viewer.get(), m_commandLine.files, opened), batch);
    }
    if (m_hooks.empty() && (!m_commandLine.exec.isEmpty() || !m_commandLine.script.isEmpty())) {
        sequence->addStep([](StartupSequence::Done done) {
            done({QStringLiteral("--exec/--script: this build has no Python console")});
        });
    }
    // Later hooks may depend on earlier ones: the first failure stops them.
    for (const StartupHook &hook : m_hooks) {
        sequence->addStep([hook](StartupSequence::Done done) {
            hook([done](bool ok, const QString &error) {
                done(ok ? QStringList() : QStringList{error.isEmpty() ? QStringLiteral("a startup step failed") : error});
            });
        });
    }
    connect(sequence, &StartupSequence::finished, this, &Application::onStartupFinished);
    return sequence;
}

bool Application::startTev(QString *error)
{
    const std::optional<TevAddress> address = TevAddress::parse(m_commandLine.tevAddress, error);
    if (!address)
        return false;
    m_tevDocuments = std::make_unique<TevDocuments>(m_viewer.get());
    // Closing an image with unsaved changes asks like File > Close; in a
    // batch run or offscreen nobody can answer, and the image stays open.
    if (!m_commandLine.isBatch() && QGuiApplication::platformName() != QLatin1String("offscreen"))
        m_tevDocuments->setAskToClose([this](Document *document) { return m_window->closeDocument(document); });
    m_tevServer = std::make_unique<TevServer>(m_tevDocuments.get());
    if (!m_tevServer->listen(*address, error))
        return false;
    printErr(QStringLiteral("livepix: listening for tev's protocol on %1").arg(m_tevServer->listeningOn()));
    return true;
}

void Application::onStartupFinished(bool ok, const QStringList &errors)
{
    markFirstFrameShown(); // nothing (more) to show: start what waited for it
    for (const QString &error : errors)
        printErr(QStringLiteral("livepix: %1").arg(error));
    if (m_commandLine.isBatch()) {
        if (ok)
            takeScreenshot();
        else
            QCoreApplication::exit(1);
        return;
    }
    for (const QString &error : errors) {
        // Not modal-blocking: the start is over, the window is live.
        auto *box = new QMessageBox(QMessageBox::Warning, tr("livepix"), error, QMessageBox::Ok, m_window.get());
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void Application::whenFirstFrameShown(QObject *context, std::function<void()> work)
{
    if (m_firstFrameShown)
        work();
    else
        connect(this, &Application::firstFrameShown, context, std::move(work), Qt::SingleShotConnection);
}

void Application::markFirstFrameShown()
{
    if (std::exchange(m_firstFrameShown, true))
        return;
    Q_EMIT firstFrameShown();
}

void Application::takeScreenshot()
{
    Canvas *canvas = m_window->canvas();
    auto shoot = [this, canvas] {
        const QImage shot = canvas->grabShown(); // the final, smooth frame
        const QString path = m_commandLine.screenshot;
        if (shot.isNull() || !shot.save(path, "PNG")) {
            printErr(QStringLiteral("livepix: %1: cannot write the screenshot").arg(path));
            QCoreApplication::exit(1);
            return;
        }
        QCoreApplication::exit(0);
    };
    // Declare the pixels changed (as after any script) and shoot once the
    // canvas has really painted them; it paints even when nothing was
    // written since its last frame (then no "maybe changed" asks it to).
    const int before = canvas->paintCount();
    m_viewer->pixelsMayHaveChanged();
    canvas->update();
    if (canvas->paintCount() != before) {
        shoot();
        return;
    }
    auto *timeout = new QTimer(this);
    timeout->setSingleShot(true);
    auto painted = std::make_shared<QMetaObject::Connection>();
    // Queued: `painted` is emitted inside the paint event, and grabbing the
    // canvas from there would paint it recursively (Qt warns and may skip it).
    *painted = connect(
        canvas, &Canvas::painted, this,
        [shoot, timeout, painted] {
            disconnect(*painted);
            timeout->deleteLater();
            shoot();
        },
        Qt::QueuedConnection);
    connect(timeout, &QTimer::timeout, this, [timeout, painted] {
        disconnect(*painted);
        timeout->deleteLater();
        printErr(QStringLiteral("livepix: --screenshot: the view did not repaint within 10 s"));
        QCoreApplication::exit(1);
    });
    timeout->start(10000);
}

namespace {

/// The answers that need no window; -1 when there is more to do.
int answerWithoutGui(const CommandLine &cl)
{
    if (!cl.ok) {
        printErr(QStringLiteral("livepix: %1\nTry 'livepix --help'.").arg(cl.error));
        return 2;
    }
    if (cl.showHelp) {
        printOut(cl.helpText);
        return 0;
    }
    if (cl.showVersion) {
        printOut(QStringLiteral("livepix %1").arg(QStringLiteral(LIVEPIX_VERSION)));
        return 0;
    }
    if (cl.listRecovery)
        return Recovery::printRecoverable();
    return -1;
}

/// LIVEPIX_TRACE_STARTUP set: prints "livepix-startup: window" on stderr when
/// the canvas first paints and "livepix-startup: first-frame" when it first
/// paints an image. bench/startup times the lines as they arrive.
void traceStartup(Canvas *canvas)
{
    auto windowShown = std::make_shared<bool>(false);
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = QObject::connect(canvas, &Canvas::painted, canvas, [canvas, windowShown, connection] {
        if (!*windowShown) {
            std::fputs("livepix-startup: window\n", stderr);
            *windowShown = true;
        }
        if (!canvas->imageSize().isEmpty()) {
            std::fputs("livepix-startup: first-frame\n", stderr);
            QObject::disconnect(*connection);
        }
        std::fflush(stderr);
    });
}

} // namespace

int Application::runWithoutGui(int argc, char **argv, QStringList *arguments)
{
    // A QCoreApplication gives QCommandLineParser the program name and
    // the locale's argument decoding, and needs no display.
    QCoreApplication core(argc, argv);
    if (arguments)
        *arguments = QCoreApplication::arguments();
    const CommandLine cl = CommandLine::parse(QCoreApplication::arguments());
    const int status = answerWithoutGui(cl);
    if (status < 0 && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        // Output-only runs need no screen: --list-plugins never shows a
        // window, and a batch --screenshot grabs the canvas the same way
        // offscreen, so let them work on a machine with no display.
        const bool noDisplay = qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
        if (cl.listPlugins || (cl.isBatch() && noDisplay))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    return status;
}

int Application::run()
{
    const CommandLine &cl = m_commandLine;
    if (const int status = answerWithoutGui(cl); status >= 0)
        return status;
    if (cl.listPlugins) {
        if (m_listPlugins)
            return m_listPlugins();
        printOut(QStringLiteral("no plugin host in this build: no plugins"));
        return 0;
    }

    m_recovery = std::make_unique<Recovery>(m_viewer.get(), m_window.get());
    if (QString error; cl.tev && !startTev(&error)) {
        printErr(QStringLiteral("livepix: %1").arg(error));
        return 1;
    }
    m_awaitingStartupImage = true; // the files or the sample; onStartupFinished() ends the wait
    m_window->show();
    if (qEnvironmentVariableIsSet("LIVEPIX_TRACE_STARTUP"))
        traceStartup(m_window->canvas());
    QTimer::singleShot(FirstFrameFallbackMs, this, &Application::markFirstFrameShown);
    // Every step (loads, hooks, the screenshot) is asynchronous and runs
    // inside the event loop below; a batch run ends it with exit(status).
    makeStartupSequence()->start();
    if (!cl.isBatch() && !cl.recover)
        m_recovery->offer(); // after a crash: Restore / Discard / Later
    const int status = QApplication::exec();
    if (!shutdown()) {
        // Tearing down would wait for what refused to stop (or finalize
        // Python under it): the unsaved-work question was answered already.
        std::fflush(nullptr);
        std::_Exit(status);
    }
    return status;
}

} // namespace livepix::gui
