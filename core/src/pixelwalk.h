#pragma once
// Private to the core: the one strided walk over an image's pixels that every
// whole-image pass uses (histogram, statistics, auto levels, comparison). The
// pixels looked at form a regular grid (every pixel, or a sample of about a
// pixel budget), whose rows are cut into bands that run on a few threads.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

#include "livepix/dtype.h"
#include "livepix/image.h"

namespace livepix::detail {

/// The pixels a pass looks at: columns x0, x0 + step, ... (cols of them) of
/// rows y0, y0 + step, ... (rows of them).
struct PixelGrid {
    int x0 = 0;
    int y0 = 0;
    int step = 1;
    int cols = 0;
    int rows = 0;

    std::size_t pixels() const { return static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows); }
    bool sampled() const { return step > 1; }

    /// Every pixel of a width x height area; or, when budget > 0 and the area
    /// has more pixels than that, the centres of step x step cells with step
    /// the smallest that keeps the sample at or under the budget.
    static PixelGrid cover(int width, int height, std::size_t budget = 0);
};

/// Where grid row j of one image starts and how far apart its grid pixels
/// are, in bytes (the image's own strides times the grid step).
struct GridRows {
    GridRows(const Image &image, const PixelGrid &grid)
        : origin(grid.cols > 0 && grid.rows > 0 ? image.pixel(grid.x0, grid.y0) : image.data()),
          xStep(image.xStride() * grid.step), yStep(image.yStride() * grid.step)
    {
    }
    const std::uint8_t *row(int j) const { return origin + static_cast<std::ptrdiff_t>(j) * yStep; }

    const std::uint8_t *origin;
    std::ptrdiff_t xStep;
    std::ptrdiff_t yStep;
};

/// Runs work over the rows [0, rows) of a grid, in bands of rows handed out
/// to up to threads() threads (the calling thread is one of them). Each call
/// work(thread, begin, end) gets a thread index below threads(), so callers
/// keep one accumulator per thread and merge them after run().
///
/// Threading: run() blocks until every band is done; work must be safe to
/// call from threads() threads at once for different thread indices.
class RowBands {
public:
    /// valuesPerRow: components one grid row holds (small passes stay on the
    /// calling thread). LIVEPIX_CORE_THREADS caps the thread count.
    RowBands(int rows, std::size_t valuesPerRow);

    int threads() const { return m_threads; }

    /// Returns false when *cancel became true (bands not yet started are
    /// skipped). Rethrows the first exception a band threw.
    bool run(const std::function<void(int thread, int begin, int end)> &work,
             const std::atomic<bool> *cancel = nullptr) const;

private:
    int m_rows;
    int m_threads = 1;
    int m_bandRows = 1;
};

/// Calls f(T()) with T the C++ component type stored for `type`.
template <typename F> decltype(auto) withComponentType(DType type, F &&f)
{
    switch (type) {
    case DType::UInt8: return f(std::uint8_t());
    case DType::UInt16: return f(std::uint16_t());
    case DType::Float16: return f(float16());
    case DType::Float32: break;
    }
    return f(float());
}

/// One stored component of type T at p (no alignment assumed), as R, unscaled.
template <typename T, typename R> inline R loadComponent(const std::uint8_t *p)
{
    T value;
    std::memcpy(&value, p, sizeof value);
    return static_cast<R>(value);
}

/// One stored component at p (no alignment assumed), as a double, unscaled.
template <typename T> inline double componentAt(const std::uint8_t *p)
{
    T value;
    std::memcpy(&value, p, sizeof value);
    return static_cast<double>(static_cast<float>(value));
}
template <> inline double componentAt<std::uint8_t>(const std::uint8_t *p) { return *p; }
template <> inline double componentAt<std::uint16_t>(const std::uint8_t *p)
{
    std::uint16_t value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

} // namespace livepix::detail

namespace livepix::detail {

/// Calls visit(thread, channel, component) for every component of the grid
/// pixels of `image`, with `component` the address of the stored value (read
/// it with componentAt<T>). Returns false when cancelled. The walk every
/// single-image pass shares.
template <typename Visit>
bool walkComponents(const Image &image, const PixelGrid &grid, const RowBands &bands, Visit &&visit,
                    const std::atomic<bool> *cancel = nullptr)
{
    const GridRows rows(image, grid);
    const int channels = image.channels();
    const std::ptrdiff_t size = static_cast<std::ptrdiff_t>(image.componentSize());
    return bands.run(
        [&](int thread, int begin, int end) {
            for (int j = begin; j < end; ++j) {
                const std::uint8_t *p = rows.row(j);
                for (int i = 0; i < grid.cols; ++i, p += rows.xStep)
                    for (int c = 0; c < channels; ++c)
                        visit(thread, c, p + c * size);
            }
        },
        cancel);
}

} // namespace livepix::detail
