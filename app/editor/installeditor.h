#pragma once
// installEditor(): adds the script editor dock to the application.

namespace livepix::gui {

class Application;
class PythonRuntime;
class ScriptEditor;

/// Docks a ScriptEditor ("Script Editor", right of the canvas; View >
/// Script Editor, Ctrl+E) that runs code in `runtime`, and wires it to the
/// rest of the window:
///  - a run shows the Python Console dock (where its output goes) if hidden;
///  - a click on a traceback frame in the console opens that file at that
///    line in the editor;
///  - File > Save Console History as Script… (also in the console output's
///    context menu) writes the console's cells to a .py file and opens it;
///  - quitting asks about an unsaved script first (MainWindow::addCloseGuard);
///  - `--edit FILE.py` opens the file with the dock shown.
/// Call after installConsole() (it finds the console dock by its object
/// name "pythonConsole") and before app.run(). GUI thread only.
ScriptEditor *installEditor(Application &app, PythonRuntime *runtime);

} // namespace livepix::gui
