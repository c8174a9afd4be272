#pragma once
// Private to the core: how a filter draft's results (one pixel per
// step x step block) fill the region they stand for.
#include "livepix/filterregion.h"
#include "livepix/image.h"

namespace livepix::detail {

/// Fills each step x step block of `region` in `target` with its pixel of
/// `small` (pixel (i, j) for the block at (region.x + i step, region.y + j
/// step); blocks cut by the region's edge are filled as far as it goes).
/// Block rows run on a few threads.
void fillBlocks(const Image &small, const Image &target, PixelRect region, int step);

/// Fills `region` in `target` from `small` by bilinear interpolation between
/// block centres: `small`'s pixel (i, j) stands for the block at (origin.x +
/// i step, origin.y + j step), whose centre is (step - 1) / 2 further.
/// Outside the outermost centres the nearest one holds. Integers round to
/// nearest. `small` covers every block `region` meets. Rows run on a few
/// threads.
void fillSmooth(const Image &small, const Image &target, PixelRect region, int step, int originX, int originY);

} // namespace livepix::detail
