#pragma once
// TevTile: writes an UpdateImage tile into an Image's pixels in place.
#include <livepix/image.h>

#include "attach/tevprotocol.h"

namespace livepix::tev {

/// True when the tile lies inside `image` (tev ignores, with a warning, a
/// tile that does not fit: Channel::updateTile).
bool tileFits(const Image &image, const UpdateImage &tile);

/// Writes channel `tileChannel` of `tile` into channel `imageChannel` of
/// `image`, in place, through the image's strides (no copy of the image).
/// float32 and float16 images take the values as they are (float16 rounds);
/// uint8 and uint16 images take value x 255 or x 65535 (fullRange of the
/// dtype), rounded to nearest and clamped, NaN as 0: no transfer function.
/// Requires tileFits() and a valid channel on both sides.
///
/// Threading: writes the pixels unsynchronised like every writer (see
/// ARCHITECTURE.md); the caller makes the write known (markChanged).
void writeTileChannel(const Image &image, int imageChannel, const UpdateImage &tile, std::size_t tileChannel);

} // namespace livepix::tev
