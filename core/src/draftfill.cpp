#include "draftfill.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "pixelrow.h"
#include "pixelwalk.h"

namespace livepix::detail {

namespace {

// Fills each step x step block of `region` in `target` with its pixel of
// `small` (one pixel per block). One block row at a time: its first target
// row is written pixel by pixel, the others are copies of that row.
template <std::size_t PixelBytes>
void fillBlockRow(const Image &small, const Image &target, PixelRect region, int step, int j, std::size_t pixelBytes)
{
    const std::size_t size = PixelBytes ? PixelBytes : pixelBytes;
    const int top = region.y + j * step;
    const int rows = std::min(step, region.y + region.height - top);
    std::uint8_t *first = target.pixel(region.x, top);
    const std::uint8_t *from = small.row(j);
    std::uint8_t *to = first;
    for (int i = 0; i < small.width(); ++i, from += small.xStride()) {
        const int cols = std::min(step, region.width - i * step);
        for (int k = 0; k < cols; ++k, to += target.xStride())
            std::memcpy(to, from, size);
    }
    for (int r = 1; r < rows; ++r)
        detail::copyPixelRow(target.pixel(region.x, top + r), target.xStride(), first, target.xStride(),
                             region.width, size);
}

} // namespace

void fillBlocks(const Image &small, const Image &target, PixelRect region, int step)
{
    const std::size_t pixelBytes = std::size_t(target.channels()) * target.componentSize();
    auto fill = [&](auto fixed, int j) {
        fillBlockRow<decltype(fixed)::value>(small, target, region, step, j, pixelBytes);
    };
    const detail::RowBands bands(small.height(), std::size_t(region.width) * std::size_t(step) * target.channels());
    bands.run([&](int, int begin, int end) {
        for (int j = begin; j < end; ++j) {
            // Fixed sizes let the compiler turn the pixel copy into one move.
            switch (pixelBytes) {
            case 1: fill(std::integral_constant<std::size_t, 1>(), j); break;
            case 2: fill(std::integral_constant<std::size_t, 2>(), j); break;
            case 3: fill(std::integral_constant<std::size_t, 3>(), j); break;
            case 4: fill(std::integral_constant<std::size_t, 4>(), j); break;
            case 8: fill(std::integral_constant<std::size_t, 8>(), j); break;
            case 16: fill(std::integral_constant<std::size_t, 16>(), j); break;
            default: fill(std::integral_constant<std::size_t, 0>(), j); break;
            }
        }
    });
}

namespace {

/// Where a target coordinate falls between block centres: blocks `first`
/// and `first + 1` (the same at the ends), `weight` towards the second.
struct Between {
    int first = 0;
    int second = 0;
    float weight = 0.f;
};

std::vector<Between> betweenCentres(int begin, int count, int origin, int step, int blocks)
{
    std::vector<Between> result(std::size_t(std::max(count, 0)));
    const double centre = (step - 1) / 2.0;
    for (int k = 0; k < count; ++k) {
        const double u = std::clamp((begin + k - origin - centre) / step, 0.0, double(blocks - 1));
        Between &b = result[std::size_t(k)];
        b.first = int(u);
        b.second = std::min(b.first + 1, blocks - 1);
        b.weight = float(u - b.first);
    }
    return result;
}

template <typename T> inline void storeFloat(std::uint8_t *p, float v)
{
    T value;
    if constexpr (std::is_integral_v<T>)
        value = static_cast<T>(std::clamp(v + 0.5f, 0.f, float(std::numeric_limits<T>::max())));
    else
        value = static_cast<T>(v);
    std::memcpy(p, &value, sizeof value);
}

} // namespace

void fillSmooth(const Image &small, const Image &target, PixelRect region, int step, int originX, int originY)
{
    const std::vector<Between> cols = betweenCentres(region.x, region.width, originX, step, small.width());
    const std::vector<Between> rows = betweenCentres(region.y, region.height, originY, step, small.height());
    const int channels = target.channels();
    const std::size_t values = std::size_t(region.width) * std::size_t(channels);
    const RowBands bands(region.height, values);
    withComponentType(target.dtype(), [&](auto component) {
        using T = decltype(component);
        // Separable: a row of `small` interpolated across once, into floats,
        // serves the `step` target rows between its centre and the next.
        auto across = [&](int j, std::vector<float> &row) {
            const std::uint8_t *from = small.row(j);
            float *to = row.data();
            for (const Between &b : cols) {
                const std::uint8_t *left = from + b.first * small.xStride();
                const std::uint8_t *right = from + b.second * small.xStride();
                for (int c = 0; c < channels; ++c, ++to) {
                    const float l = loadComponent<T, float>(left + c * sizeof(T));
                    const float r = loadComponent<T, float>(right + c * sizeof(T));
                    *to = l + (r - l) * b.weight;
                }
            }
        };
        bands.run([&](int, int begin, int end) {
            std::vector<float> upper(values), lower(values);
            int upperRow = -1, lowerRow = -1;
            for (int r = begin; r < end; ++r) {
                const Between &down = rows[std::size_t(r)];
                if (down.first != upperRow) {
                    if (down.first == lowerRow)
                        std::swap(upper, lower), std::swap(upperRow, lowerRow);
                    else
                        across(upperRow = down.first, upper);
                }
                if (down.second != lowerRow)
                    across(lowerRow = down.second, lower);
                std::uint8_t *out = target.pixel(region.x, region.y + r);
                const float *a = upper.data(), *b = lower.data();
                for (int x = 0; x < region.width; ++x, out += target.xStride())
                    for (int c = 0; c < channels; ++c, ++a, ++b)
                        storeFloat<T>(out + c * sizeof(T), *a + (*b - *a) * down.weight);
            }
        });
    });
}

} // namespace livepix::detail
