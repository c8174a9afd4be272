#include "livepix/tiles.h"

#include "livepix/filtercontext.h"
#include "pixelwalk.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>

namespace livepix {

bool forEachTile(const Image &image, FilterContext &context, const std::function<void(const Tile &)> &work,
                 const TileOptions &options)
{
    if (options.width < 1 || options.height < 1)
        throw std::invalid_argument("forEachTile: tile size " + std::to_string(options.width) + "x" +
                                    std::to_string(options.height) + " (must be at least 1x1)");
    if (image.isNull() || image.width() == 0 || image.height() == 0)
        return !context.isCancelled();
    const int columns = (image.width() + options.width - 1) / options.width;
    const int rows = (image.height() + options.height - 1) / options.height;
    const int tiles = columns * rows;
    const std::size_t valuesPerTile =
        std::size_t(options.width) * std::size_t(options.height) * std::size_t(image.channels());
    // The core's one band runner (pixelwalk.h), over tile numbers: it picks
    // the threads by the work, hands out a few tiles at a time and rethrows
    // the first exception after every thread stopped.
    const detail::RowBands bands(tiles, valuesPerTile);
    std::atomic<int> done{0};
    bands.run([&](int, int begin, int end) {
        for (int t = begin; t < end && !context.isCancelled(); ++t) {
            Tile tile;
            tile.x = (t % columns) * options.width;
            tile.y = (t / columns) * options.height;
            tile.width = std::min(options.width, image.width() - tile.x);
            tile.height = std::min(options.height, image.height() - tile.y);
            tile.view = image.view(tile.x, tile.y, tile.width, tile.height);
            work(tile);
            context.setProgress(float(done.fetch_add(1, std::memory_order_relaxed) + 1) / float(tiles));
        }
    });
    return !context.isCancelled();
}

} // namespace livepix
