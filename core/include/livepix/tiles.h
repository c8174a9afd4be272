#pragma once
// forEachTile: a filter's image cut into tiles, worked on by several threads.
#include <functional>

#include "livepix/export.h"
#include "livepix/image.h"

namespace livepix {

class FilterContext;

/// One tile of an image: where it is, and a view of its pixels (an
/// Image::view() of the same buffer, not a copy: writing it writes the image).
struct Tile {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    Image view;
};

/// Tile size in pixels; the last column and row of tiles are what is left.
/// By default whole rows, 64 at a time: in row-major memory long runs stream
/// best (Invert on a 4K RGBA8 image took 6.1 ms in 512-pixel-wide tiles and
/// 4.3 ms in whole rows). Narrower tiles suit filters whose cost is per
/// pixel, not per byte moved.
struct TileOptions {
    int width = 0; // 0: the image's width
    int height = 64;
};

/// The parallel-for of filters: calls work(tile) once for every tile of
/// `image`, on the calling thread and on helper threads (one per core, at
/// most LIVEPIX_CORE_THREADS; an image too small to share stays on the
/// calling thread). A filter opts in by calling it from Filter::apply():
///
///     livepix::forEachTile(image, context, [&](const livepix::Tile &tile) {
///         for (int y = 0; y < tile.height; ++y)
///             invertRow(tile.view.row(y), tile.width);
///     });
///
/// Progress: context.setProgress(tiles done / tiles) as tiles finish.
/// Cancel: once context.isCancelled(), no further tile starts, and the call
/// returns false after the tiles under way (runFilter() then restores the
/// pixels). An exception from work stops the other threads from starting
/// tiles and is rethrown here once every thread has stopped.
///
/// Threading: work runs on several threads at once, each call for another
/// tile. It may write only its own tile; it may read anything (a
/// neighbourhood filter reads its halo from context.original(), the pixels as
/// they were, since the image's own neighbours may already be written).
/// Throws std::invalid_argument for a negative width or a height below 1.
LIVEPIX_API bool forEachTile(const Image &image, FilterContext &context, const std::function<void(const Tile &)> &work,
                             const TileOptions &options = {});

} // namespace livepix
