#include "attach/tevtile.h"

#include <livepix/autolevels.h>
#include <livepix/dtype.h>

#include <cmath>
#include <cstdint>

namespace livepix::tev {

namespace {

/// value x scale, rounded and clamped to [0, scale]; NaN gives 0.
template <typename T> T toInteger(float value, float scale)
{
    const float scaled = value * scale;
    if (!(scaled > 0.0f)) // also NaN
        return 0;
    if (scaled >= scale)
        return static_cast<T>(scale);
    return static_cast<T>(std::lround(scaled));
}

template <typename Store>
void writeRows(const Image &image, int imageChannel, const UpdateImage &tile, std::size_t tileChannel, Store store)
{
    const std::ptrdiff_t channelByte = std::ptrdiff_t(imageChannel) * std::ptrdiff_t(image.componentSize());
    const std::int64_t stride = tile.strides[tileChannel];
    for (std::int32_t ty = 0; ty < tile.height; ++ty) {
        std::uint8_t *dst = image.pixel(tile.x, tile.y + ty) + channelByte;
        std::int64_t src = tile.offsets[tileChannel] + std::int64_t(ty) * tile.width * stride;
        for (std::int32_t tx = 0; tx < tile.width; ++tx, src += stride, dst += image.xStride())
            store(dst, tile.floatAt(src));
    }
}

} // namespace

bool tileFits(const Image &image, const UpdateImage &tile)
{
    return tile.x >= 0 && tile.y >= 0 && std::int64_t(tile.x) + tile.width <= image.width() &&
           std::int64_t(tile.y) + tile.height <= image.height();
}

void writeTileChannel(const Image &image, int imageChannel, const UpdateImage &tile, std::size_t tileChannel)
{
    switch (image.dtype()) {
    case DType::Float32:
        writeRows(image, imageChannel, tile, tileChannel,
                  [](std::uint8_t *dst, float v) { *reinterpret_cast<float *>(dst) = v; });
        break;
    case DType::Float16:
        writeRows(image, imageChannel, tile, tileChannel,
                  [](std::uint8_t *dst, float v) { *reinterpret_cast<float16 *>(dst) = float16(v); });
        break;
    case DType::UInt8: {
        const auto scale = float(fullRange(DType::UInt8).hi);
        writeRows(image, imageChannel, tile, tileChannel,
                  [scale](std::uint8_t *dst, float v) { *dst = toInteger<std::uint8_t>(v, scale); });
        break;
    }
    case DType::UInt16: {
        const auto scale = float(fullRange(DType::UInt16).hi);
        writeRows(image, imageChannel, tile, tileChannel, [scale](std::uint8_t *dst, float v) {
            *reinterpret_cast<std::uint16_t *>(dst) = toInteger<std::uint16_t>(v, scale);
        });
        break;
    }
    }
}

} // namespace livepix::tev
