#pragma once
// Choosing a colormap for a document (the rules the menu and Python share).
#include <QString>
#include <QStringList>

#include <livepix/image.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

/// Colormap names in menu order (livepix::colormaps()).
QStringList colormapNames();

/// Sets `settings.colormap` to `name` (case-insensitive; empty for none).
/// A colormap needs one shown channel: when all colour channels of a
/// multi-channel image are shown, the first one is shown. A diverging
/// colormap gets symmetric levels around 0 (+-max |finite value| of the
/// shown channel; all colour channels when levels are linked). Returns false with *error naming the value and the
/// valid names when `name` is unknown.
bool chooseColormap(DisplaySettings &settings, const Image &image, const QString &name, QString *error = nullptr);

} // namespace livepix::gui
