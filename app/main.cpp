// livepix: parse the command line and run (see app/viewer/application.h).
#include <QApplication>

#include "viewer/application.h"

int main(int argc, char *argv[])
{
    QApplication qapp(argc, argv);
    livepix::gui::Application app;
    // Other parts (console, plugin host) attach to `app` here, before run().
    return app.run();
}
