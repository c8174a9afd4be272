#pragma once
// The embedded Python module `livepix_app`: the console's `viewer` object and
// the hooks the console's Python code uses to reach the GUI.

namespace livepix::gui {

/// Registers nothing at run time (the module is registered before Python
/// starts, by a static initializer in viewerbinding.cpp); calling it from the
/// runtime keeps that object file in the link of a static livepix_gui.
void linkViewerBinding();

} // namespace livepix::gui
