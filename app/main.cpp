// livepix: parse the command line and run (see app/viewer/application.h).
#include <QApplication>

#include "viewer/application.h"
#include "viewer/imageiopreload.h"
#include "viewer/opensslexit.h"
#ifdef LIVEPIX_HAVE_CONSOLE
#include "console/installconsole.h"
#endif
#ifdef LIVEPIX_HAVE_EDITOR
#include "editor/installeditor.h"
#endif
#ifdef LIVEPIX_HAVE_PLUGINHOST
#include "pluginhost/pluginhost.h"
#endif

int main(int argc, char *argv[])
{
    // --help, --version and bad options work without a display.
    QStringList arguments; // as given: QApplication on X11 consumes --name
    if (const int status = livepix::gui::Application::runWithoutGui(argc, argv, &arguments); status >= 0)
        return status;
    livepix::gui::disableOpenSslExitCleanup(); // before anything starts OpenSSL (see there why)
    // OpenImageIO maps on the second core while Qt starts (see there why);
    // joined at the end of main().
    const livepix::gui::ImageIOPreload imageIO;
    QApplication qapp(argc, argv);
    livepix::gui::Application app(arguments);
    // Other parts (console, plugin host) attach to `app` here, before run().
#ifdef LIVEPIX_HAVE_CONSOLE
    [[maybe_unused]] livepix::gui::PythonRuntime *runtime = livepix::gui::installConsole(app);
#endif
#ifdef LIVEPIX_HAVE_EDITOR
    livepix::gui::installEditor(app, runtime);
#endif
#ifdef LIVEPIX_HAVE_PLUGINHOST
    livepix::gui::installPluginHost(app);
#endif
    return app.run();
}
