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
    if (options.width < 0 || options.height < 1)
        throw std::invalid_argument("forEachTile: tile size " + std::to_string(options.width) + "x" +
                                    std::to_string(options.height) + " (width 0 for whole rows or more, height 1 or more)");
    if (image.isNull() || image.width() == 0 || image.height() == 0)
        return !context.isCancelled();
    const int tileWidth = options.width > 0 ? std::min(options.width, image.width()) : image.width();
    const int tileHeight = std::min(options.height, image.height());
    const int columns = (image.width() + tileWidth - 1) / tileWidth;
    const int rows = (image.height() + tileHeight - 1) / tileHeight;
    const int tiles = columns * rows;
    const std::size_t valuesPerTile = std::size_t(tileWidth) * std::size_t(tileHeight) * std::size_t(image.channels());
    // The core's one band runner (pixelwalk.h), over tile numbers: it picks
    // the threads by the work, hands out a few tiles at a time and rethrows
    // the first exception after every thread stopped.
    const detail::RowBands bands(tiles, valuesPerTile);
    std::atomic<int> done{0};
    bands.run([&](int, int begin, int end) {
        for (int t = begin; t < end && !context.isCancelled(); ++t) {
            Tile tile;
            tile.x = (t % columns) * tileWidth;
            tile.y = (t / columns) * tileHeight;
            tile.width = std::min(tileWidth, image.width() - tile.x);
            tile.height = std::min(tileHeight, image.height() - tile.y);
            tile.view = image.view(tile.x, tile.y, tile.width, tile.height);
            work(tile);
            context.setProgress(float(done.fetch_add(1, std::memory_order_relaxed) + 1) / float(tiles));
        }
    });
    return !context.isCancelled();
}

} // namespace livepix
