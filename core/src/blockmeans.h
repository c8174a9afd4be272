#pragma once
// Private to the core: an area of an image reduced by a whole factor, each
// step x step block to its mean (what a filter draft from a reduced image
// starts from).
#include "livepix/filterregion.h"
#include "livepix/image.h"

namespace livepix::detail {

/// Writes into `out` (ceil(area.width / step) x ceil(area.height / step)
/// pixels, the source's channels and dtype) the mean of each step x step
/// block of `area` in `source`, per channel; blocks start at the area's top
/// left corner, and those cut by its right or bottom edge average the
/// pixels they hold. Integers round to nearest; a NaN in a block makes its
/// mean NaN. `area` must lie inside `source`. Block rows run on a few
/// threads (RowBands) and are all done on return.
void blockMeans(const Image &source, PixelRect area, int step, const Image &out);

} // namespace livepix::detail
