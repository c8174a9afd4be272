#pragma once
// initResources: makes the viewer's Qt resources (sample image, icon) available.

namespace livepix::gui {

/// Registers resources/livepix.qrc. Needed because livepix_gui is a static
/// library: the linker drops the resource object unless something refers to
/// its initialiser. Idempotent; GUI thread (call before using ":/livepix/").
void initResources();

} // namespace livepix::gui
