#pragma once
// installConsole(): adds the embedded Python console to the application.

namespace livepix::gui {

class Application;
class PythonRuntime;

/// Creates the PythonRuntime (owned by `app`), docks a ConsoleWidget at the
/// bottom of the main window (View > Python Console, F12), and registers a
/// startup hook that runs each --exec CODE and then --script FILE.py in the
/// console once the files are loaded (a batch --screenshot run waits for it
/// and fails with the traceback when the code raised). Python starts on its
/// worker thread right after the window shows, so it never delays it.
/// Call between constructing `app` and app.run(). GUI thread only.
PythonRuntime *installConsole(Application &app);

} // namespace livepix::gui
