#pragma once
// Private to the core: copying one row of pixels between strided images,
// the step every whole-image copy repeats row by row.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace livepix::detail {

/// Copies `width` pixels of `pixelBytes` each from `src` to `dst`, each side
/// stepping by its own x stride: one memmove when both rows are packed
/// (stride == pixelBytes), else pixel by pixel. The rows may overlap.
inline void copyPixelRow(std::uint8_t *dst, std::ptrdiff_t dstStep, const std::uint8_t *src, std::ptrdiff_t srcStep,
                         int width, std::size_t pixelBytes)
{
    const auto packed = static_cast<std::ptrdiff_t>(pixelBytes);
    if (dstStep == packed && srcStep == packed) {
        std::memmove(dst, src, pixelBytes * static_cast<std::size_t>(width));
        return;
    }
    for (int x = 0; x < width; ++x)
        std::memmove(dst + x * dstStep, src + x * srcStep, pixelBytes);
}

} // namespace livepix::detail
