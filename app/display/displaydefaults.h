#pragma once
// Display defaults: how a newly opened image is shown, and fitting levels to its data.
#include <livepix/autolevels.h>
#include <livepix/image.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

/// Viewer-wide values that seed a new document's DisplaySettings.
struct DisplayDefaults {
    double exposure = 0.0;
    double gamma = 1.0;
    /// uint16 colour images (3+ channels) get 0..65535 instead of levels
    /// fitted to their data (QSettings key FullRange16BitSettingKey).
    bool fullRange16BitColour = false;
};

/// QSettings key of DisplayDefaults::fullRange16BitColour ("16-bit colour
/// images use the full type range", View menu).
inline constexpr const char *FullRange16BitSettingKey = "display/fullRange16BitColour";
/// Reads the viewer-independent defaults from QSettings.
DisplayDefaults displayDefaultsFromSettings();

/// True for scene-linear HDR: an EXR or Radiance HDR file, or an
/// oiio:ColorSpace naming a linear space ("Linear", "lin_srgb", "scene_linear", "ACEScg").
bool isSceneLinear(const Image &image);

/// The settings a new document starts with (README "Viewing data"):
/// - uint8: as stored (levels 0..255);
/// - scene-linear HDR: levels 0..1, the sRGB view transform, exposure from
///   the defaults;
/// - uint16 / float16 / float32 otherwise: levels fitted to the finite data
///   range (min/max), linked across the colour channels; a constant image
///   gets a non-empty range; uint16 colour images get 0..65535 instead when
///   fullRange16BitColour is set;
/// - more than 4 channels: the first channel group (see channelGroups()).
/// Reads every pixel once for the fit (GUI thread; about 10 ms for 4K RGBA float).
DisplaySettings defaultDisplaySettings(const Image &image, const DisplayDefaults &defaults);

/// Fits `settings.levels` to the image (all channels get a range; alpha
/// keeps its full range). Linked (one range over the shown colour channels)
/// follows options.linked.
void fitLevels(DisplaySettings &settings, const Image &image, const AutoLevelsOptions &options);

} // namespace livepix::gui
