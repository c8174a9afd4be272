#pragma once
// pixelInfo: the status bar text for one pixel.
#include <QString>

#include <livepix/image.h>

namespace livepix::gui {

/// "x, y: R 255  G 128  B 0  A 255" with the image's channel names and raw
/// values in its own type: integers for uint8/uint16, floats with 4 (float16)
/// or 6 (float32) significant digits. At most 8 channels are listed. Returns
/// "x, y" alone when the pixel is outside the image.
QString pixelInfo(const Image &image, int x, int y);

/// One component as text, the way pixelInfo() writes it.
QString formatComponent(const Image &image, int x, int y, int channel);

} // namespace livepix::gui
