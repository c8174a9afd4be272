// Invert: the minimal livepix C++ plugin (copy this file to start your own).
#include <livepix/pluginapi.h>
#include <livepix/tiles.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace {

// White minus value: 255 for uint8, 65535 for uint16, 1.0 for float images.
template <typename T> T whiteOf()
{
    if constexpr (std::is_integral_v<T>)
        return std::numeric_limits<T>::max();
    else
        return T(1.0f);
}

// One row, colour[c] saying which channels to invert. With CH > 0 the
// channel count is known at compile time, so the compiler turns the loop
// into vector instructions; CH == 0 takes `channels` at run time.
template <typename T, int CH>
void invertRow(T *row, int width, std::ptrdiff_t step, const bool *colour, int channels = CH)
{
    const T white = whiteOf<T>();
    const int count = CH > 0 ? CH : channels;
    for (int x = 0; x < width; ++x, row += step)
        for (int c = 0; c < count; ++c)
            row[c] = colour[c] ? T(white - row[c]) : row[c];
}

// For unsigned integers white - v is ~v: a packed row whose pixel is 1, 2, 4
// or 8 bytes is one XOR with a per-pixel mask (colour bits set, alpha bits
// clear) over machine words, which the compiler vectorises. False when the
// layout does not allow it.
template <typename Word>
void xorRow(std::uint8_t *row, int width, const std::uint8_t *maskBytes)
{
    Word mask;
    std::memcpy(&mask, maskBytes, sizeof mask);
    auto *words = reinterpret_cast<Word *>(row);
    for (int x = 0; x < width; ++x)
        words[x] ^= mask;
}

template <typename T> bool invertByXor(const livepix::Image &image, const bool *colour)
{
    const std::size_t pixelBytes = std::size_t(image.channels()) * sizeof(T);
    if (!std::is_integral_v<T> || !image.isInterleaved() || pixelBytes > 8 || (pixelBytes & (pixelBytes - 1)))
        return false;
    std::uint8_t mask[8] = {};
    for (int c = 0; c < image.channels(); ++c)
        std::memset(mask + c * sizeof(T), colour[c] ? 0xff : 0, sizeof(T));
    for (int y = 0; y < image.height(); ++y) {
        std::uint8_t *row = image.row(y);
        switch (pixelBytes) {
        case 1: xorRow<std::uint8_t>(row, image.width(), mask); break;
        case 2: xorRow<std::uint16_t>(row, image.width(), mask); break;
        case 4: xorRow<std::uint32_t>(row, image.width(), mask); break;
        default: xorRow<std::uint64_t>(row, image.width(), mask); break;
        }
    }
    return true;
}

template <typename T> void invertRows(const livepix::Image &image, const bool *colour)
{
    const std::ptrdiff_t step = image.xStride() / std::ptrdiff_t(sizeof(T)); // elements from pixel to pixel
    for (int y = 0; y < image.height(); ++y) {
        T *row = reinterpret_cast<T *>(image.row(y));
        switch (image.channels()) {
        case 1: invertRow<T, 1>(row, image.width(), step, colour); break;
        case 3: invertRow<T, 3>(row, image.width(), step, colour); break;
        case 4: invertRow<T, 4>(row, image.width(), step, colour); break;
        default: invertRow<T, 0>(row, image.width(), step, colour, image.channels());
        }
    }
}

template <typename T> void invert(const livepix::Image &image, livepix::FilterContext &context)
{
    // Alpha (straight, not premultiplied) stays as it is.
    bool colour[livepix::Image::maxChannels];
    for (int c = 0; c < image.channels(); ++c)
        colour[c] = c != image.alphaChannel();
    // Tiles (bands of whole rows) on every core, with progress and cancel
    // (livepix/tiles.h); each tile is a view of the image, inverted in place.
    livepix::forEachTile(image, context, [&](const livepix::Tile &tile) {
        if (!invertByXor<T>(tile.view, colour))
            invertRows<T>(tile.view, colour);
    });
}

class InvertFilter : public livepix::Filter {
public:
    // Each pixel's result depends on that pixel alone: the parameter
    // dialog's preview may then compute one pixel per screen pixel first
    // (livepix::FilterTraits). Leave it out when a pixel's neighbours or the
    // whole image matter.
    static constexpr bool pointwise = true;

    std::string name() const override { return "Invert"; }
    std::string description() const override { return "Inverts the colour channels (not alpha)."; }
    std::vector<livepix::DType> dtypes() const override
    {
        using livepix::DType;
        return {DType::UInt8, DType::UInt16, DType::Float16, DType::Float32};
    }
    void apply(const livepix::Image &image, const livepix::ParamValues &, livepix::FilterContext &context) const override
    {
        switch (image.dtype()) {
        case livepix::DType::UInt8: invert<std::uint8_t>(image, context); break;
        case livepix::DType::UInt16: invert<std::uint16_t>(image, context); break;
        case livepix::DType::Float16: invert<livepix::float16>(image, context); break;
        case livepix::DType::Float32: invert<float>(image, context); break;
        }
    }
};

} // namespace

LIVEPIX_PLUGIN(InvertFilter)
