#include "viewer/application.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QImage>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/resources.h"
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
    if (m_commandLine.isBatch()) // a batch screenshot shows the view at the window's full size
        m_window->histogramDock()->hide();
}

Application::~Application()
{
    // The window listens to the viewer: destroy it first.
    m_window.reset();
    m_viewer.reset();
}

void Application::addStartupHook(StartupHook hook) { m_hooks.push_back(std::move(hook)); }

void Application::setListPluginsHandler(std::function<int()> handler) { m_listPlugins = std::move(handler); }

Document *Application::openSample(QString *error)
{
    QFile resource(QStringLiteral(":/livepix/sample.png"));
    QTemporaryDir dir;
    const QString path = dir.filePath(sampleName());
    if (!dir.isValid() || !resource.open(QIODevice::ReadOnly)) {
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
    Document *document = m_viewer->open(path, error);
    if (document)
        document->setFilePath(QString()); // the temporary copy goes away
    return document;
}

bool Application::openStartupFiles(QStringList *errors)
{
    bool ok = true;
    if (m_commandLine.files.isEmpty()) {
        QString error;
        if (!openSample(&error)) {
            errors->append(error);
            ok = false;
        }
        return ok;
    }
    for (const QString &file : std::as_const(m_commandLine.files)) {
        QString error;
        if (m_viewer->open(file, &error)) {
            if (!m_commandLine.isBatch())
                m_window->addRecentFile(QFileInfo(file).absoluteFilePath());
        } else {
            errors->append(error);
            ok = false;
        }
    }
    // Show the first file named, as the user would expect.
    const QList<Document *> documents = m_viewer->documents();
    if (!documents.isEmpty())
        m_viewer->setCurrent(documents.first());
    return ok;
}

bool Application::runHooks(QStringList *errors)
{
    if (m_hooks.empty() && (!m_commandLine.exec.isEmpty() || !m_commandLine.script.isEmpty())) {
        errors->append(QStringLiteral("--exec/--script: this build has no Python console"));
        return false;
    }
    for (const StartupHook &hook : m_hooks) {
        QString error;
        if (!hook(&error)) {
            errors->append(error.isEmpty() ? QStringLiteral("a startup step failed") : error);
            return false; // later steps may depend on this one
        }
    }
    return true;
}

int Application::takeScreenshot()
{
    Canvas *canvas = m_window->canvas();
    // Declare the pixels changed (as after any script) and wait until the
    // canvas has really painted them.
    const int before = canvas->paintCount();
    m_viewer->pixelsMayHaveChanged();
    if (canvas->paintCount() == before) {
        QEventLoop loop;
        QTimer timeout;
        timeout.setSingleShot(true);
        connect(canvas, &Canvas::painted, &loop, &QEventLoop::quit);
        connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
        timeout.start(10000);
        loop.exec();
        if (canvas->paintCount() == before) {
            printErr(QStringLiteral("livepix: --screenshot: the view did not repaint within 10 s"));
            return 1;
        }
    }
    canvas->finishDraft(); // the shot shows the final, smooth frame
    const QImage shot = canvas->grab().toImage();
    const QString path = m_commandLine.screenshot;
    if (shot.isNull() || !shot.save(path, "PNG")) {
        printErr(QStringLiteral("livepix: %1: cannot write the screenshot").arg(path));
        return 1;
    }
    return 0;
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
    return -1;
}

} // namespace

int Application::runWithoutGui(int argc, char **argv)
{
    // A QCoreApplication gives QCommandLineParser the program name and
    // the locale's argument decoding, and needs no display.
    QCoreApplication core(argc, argv);
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

    m_window->show();
    QStringList errors;
    if (cl.isBatch()) {
        // A batch run stops at the first failure: a screenshot of a
        // half-done setup would be misleading.
        if (!openStartupFiles(&errors) || !runHooks(&errors)) {
            for (const QString &error : std::as_const(errors))
                printErr(QStringLiteral("livepix: %1").arg(error));
            return 1;
        }
        return takeScreenshot();
    }

    openStartupFiles(&errors);
    runHooks(&errors);
    for (const QString &error : std::as_const(errors)) {
        printErr(QStringLiteral("livepix: %1").arg(error));
        QMessageBox::warning(m_window.get(), tr("livepix"), error);
    }
    return QApplication::exec();
}

} // namespace livepix::gui
