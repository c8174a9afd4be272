#include "livepix/pinnedrows.h"

#include "livepix/contenthash.h"
#include "livepix/writetracker.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace livepix {

void readPinnedRows(const Image &image, const WriteSnapshot &snapshot, int y0, const Image &band)
{
    if (band.width() != image.width() || band.channels() != image.channels() || band.dtype() != image.dtype() ||
        y0 < 0 || band.height() > image.height() - y0)
        throw std::invalid_argument("readPinnedRows: the band does not fit the image");
    const std::size_t pixelBytes = std::size_t(image.channels()) * image.componentSize();
    const std::size_t packedRow = pixelBytes * std::size_t(image.width());
    // A row's bytes span from its leftmost to its rightmost pixel in memory,
    // whatever the sign of the strides.
    const std::ptrdiff_t rowSpan = std::ptrdiff_t(image.width() - 1) * image.xStride();
    const std::ptrdiff_t lowest = std::min<std::ptrdiff_t>(0, rowSpan);
    const std::size_t spanBytes = std::size_t(std::abs(rowSpan)) + pixelBytes;
    const bool direct = image.isInterleaved() && band.isInterleaved();
    std::vector<std::uint8_t> scratch(direct ? 0 : spanBytes);
    const std::uint8_t *base = image.buffer()->data();
    for (int y = 0; y < band.height(); ++y) {
        const std::size_t first = std::size_t(image.row(y0 + y) + lowest - base);
        if (direct) {
            snapshot.read(first, packedRow, band.row(y));
            continue;
        }
        snapshot.read(first, spanBytes, scratch.data());
        const std::uint8_t *pixel0 = scratch.data() - lowest;
        for (int x = 0; x < image.width(); ++x)
            std::memcpy(band.pixel(x, y), pixel0 + std::ptrdiff_t(x) * image.xStride(), pixelBytes);
    }
}

std::uint64_t pinnedContentHash(const Image &image, const WriteSnapshot &snapshot)
{
    if (image.isNull())
        return 0;
    constexpr std::size_t BandBytes = std::size_t(4) << 20;
    const std::size_t rowBytes = std::size_t(image.width()) * image.channels() * image.componentSize();
    const int rowsPerBand = int(std::clamp<std::size_t>(BandBytes / std::max<std::size_t>(rowBytes, 1), 1,
                                                        std::size_t(image.height())));
    const Image band = Image::create(image.width(), rowsPerBand, image.channels(), image.dtype());
    ContentHasher hasher(image.width(), image.height(), image.channels(), image.dtype());
    for (int y0 = 0; y0 < image.height(); y0 += rowsPerBand) {
        const Image part = band.view(0, 0, image.width(), std::min(rowsPerBand, image.height() - y0));
        readPinnedRows(image, snapshot, y0, part);
        hasher.add(part);
    }
    return hasher.finish();
}

} // namespace livepix
