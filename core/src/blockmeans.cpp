#include "blockmeans.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "pixelwalk.h"

namespace livepix::detail {

namespace {

// Sums exact for any block up to 2^16 pixels a side: 8-bit components in 32
// bits, 16-bit ones in 64; floats add as float (a draft needs no more).
template <typename T>
using Sum = std::conditional_t<std::is_same_v<T, std::uint8_t>, std::uint32_t,
                               std::conditional_t<std::is_same_v<T, std::uint16_t>, std::uint64_t, float>>;

template <typename T> inline void storeMean(std::uint8_t *p, Sum<T> sum, std::uint32_t count)
{
    T value;
    if constexpr (std::is_integral_v<T>)
        value = static_cast<T>((sum + count / 2) / count);
    else
        value = static_cast<T>(sum / float(count));
    std::memcpy(p, &value, sizeof value);
}

// One row of blocks: the block's source rows are summed into `sums` (one per
// output component) pixel after pixel, in the order they lie in memory.
template <typename T>
void meanRow(const Image &source, PixelRect area, int step, const Image &out, int j, std::vector<Sum<T>> &sums)
{
    const int channels = source.channels();
    const int cols = out.width();
    const int top = area.y + j * step;
    const int rows = std::min(step, area.y + area.height - top);
    sums.assign(std::size_t(cols) * channels, Sum<T>(0));
    for (int r = 0; r < rows; ++r) {
        const std::uint8_t *p = source.pixel(area.x, top + r);
        Sum<T> *s = sums.data();
        for (int i = 0; i < cols; ++i, s += channels) {
            const int n = std::min(step, area.width - i * step);
            for (int k = 0; k < n; ++k, p += source.xStride())
                for (int c = 0; c < channels; ++c)
                    s[c] += loadComponent<T, Sum<T>>(p + c * sizeof(T));
        }
    }
    std::uint8_t *o = out.row(j);
    const Sum<T> *s = sums.data();
    for (int i = 0; i < cols; ++i, o += out.xStride(), s += channels) {
        const auto count = std::uint32_t(std::min(step, area.width - i * step) * rows);
        for (int c = 0; c < channels; ++c)
            storeMean<T>(o + c * sizeof(T), s[c], count);
    }
}

} // namespace

void blockMeans(const Image &source, PixelRect area, int step, const Image &out)
{
    if (step < 1 || area.isEmpty() || out.width() != (area.width + step - 1) / step ||
        out.height() != (area.height + step - 1) / step || out.channels() != source.channels() ||
        out.dtype() != source.dtype())
        throw std::invalid_argument("blockMeans: the output does not fit the area and step");
    const RowBands bands(out.height(), std::size_t(area.width) * std::size_t(step) * std::size_t(source.channels()));
    withComponentType(source.dtype(), [&](auto component) {
        using T = decltype(component);
        bands.run([&](int, int begin, int end) {
            std::vector<Sum<T>> sums;
            for (int j = begin; j < end; ++j)
                meanRow<T>(source, area, step, out, j, sums);
        });
    });
}

} // namespace livepix::detail
