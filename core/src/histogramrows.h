#pragma once
// Private to the core: the inner loops of the histogram's passes, one grid
// row at a time. The component type and the channel count (1 to 4) are
// template parameters, so per-channel accumulators live in registers and no
// call is made per value: these loops are nearly all of computeHistogram's
// and computeStatistics' time.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "histogrambins.h"
#include "pixelwalk.h"

namespace livepix::detail {

/// Most channels one row pass takes; wider images are walked in groups of
/// this many channels (channel views of the same memory).
constexpr int MaxRowChannels = 4;

/// Sub-histograms per channel, used by alternate pixels: neighbouring pixels
/// often fall in the same bin, and incrementing one counter back to back
/// waits for the previous store each time.
constexpr int SubHistograms = 2;

/// Per-channel statistics of the rows one thread walked: finite min, max and
/// sum, and counts of everything looked at and of what was not finite.
/// Aligned so that the copies of different threads share no cache line.
struct alignas(64) RowStats {
    double min[MaxRowChannels];
    double max[MaxRowChannels];
    double sum[MaxRowChannels] = {};
    std::uint64_t values[MaxRowChannels] = {};
    std::uint64_t nan[MaxRowChannels] = {};
    std::uint64_t posInf[MaxRowChannels] = {};
    std::uint64_t negInf[MaxRowChannels] = {};

    RowStats()
    {
        for (int c = 0; c < MaxRowChannels; ++c) {
            min[c] = std::numeric_limits<double>::infinity();
            max[c] = -std::numeric_limits<double>::infinity();
        }
    }
    void addNonFinite(int c, double v)
    {
        if (std::isnan(v))
            ++nan[c];
        else
            ++(v > 0 ? posInf[c] : negInf[c]);
    }
};

/// Adds one grid row (cols pixels xStep bytes apart, starting at p) to stats.
template <typename T, int C>
void statsRow(const std::uint8_t *p, int cols, std::ptrdiff_t xStep, RowStats &stats)
{
    static_assert(C >= 1 && C <= MaxRowChannels);
    double lo[C], hi[C], sum[2][C];
    for (int c = 0; c < C; ++c) {
        lo[c] = stats.min[c];
        hi[c] = stats.max[c];
        sum[0][c] = stats.sum[c];
        sum[1][c] = 0.0;
    }
    // Two sums per channel, for alternate pixels: one long chain of
    // dependent additions would set the pace otherwise.
    auto add = [&](const std::uint8_t *q, int k) {
#pragma GCC unroll 4
        for (int c = 0; c < C; ++c) {
            const double v = componentAt<T>(q + c * sizeof(T));
            if (std::isfinite(v)) [[likely]] {
                lo[c] = v < lo[c] ? v : lo[c];
                hi[c] = v > hi[c] ? v : hi[c];
                sum[k][c] += v;
            } else {
                stats.addNonFinite(c, v);
            }
        }
    };
    int i = 0;
    for (; i + 1 < cols; i += 2, p += 2 * xStep) {
        add(p, 0);
        add(p + xStep, 1);
    }
    if (i < cols)
        add(p, 0);
    for (int c = 0; c < C; ++c) {
        stats.min[c] = lo[c];
        stats.max[c] = hi[c];
        stats.sum[c] = sum[0][c] + sum[1][c];
        stats.values[c] += static_cast<std::uint64_t>(cols);
    }
}

template <std::size_t... c>
std::array<BinFinder, sizeof...(c)> copyFinders(const BinFinder *finders, std::index_sequence<c...>)
{
    return {finders[c]...};
}

/// Bins one grid row: counts holds SubHistograms x C x bins counters
/// (sub-histogram, then channel, then bin) and finders one BinFinder per channel.
template <typename T, int C>
void binRow(const std::uint8_t *p, int cols, std::ptrdiff_t xStep, const BinFinder *finders, int bins,
            std::uint64_t *counts)
{
    static_assert(C >= 1 && C <= MaxRowChannels && SubHistograms == 2);
    const std::ptrdiff_t sub = static_cast<std::ptrdiff_t>(C) * bins;
    // Copies on the stack, so the compiler sees no store to the counts can
    // change them and keeps them in registers.
    const std::array<BinFinder, C> local = copyFinders(finders, std::make_index_sequence<C>());
    auto add = [&](const std::uint8_t *q, std::uint64_t *own) {
#pragma GCC unroll 4
        for (int c = 0; c < C; ++c) {
            const int bin = local[c](componentAt<T>(q + c * sizeof(T)));
            if (bin >= 0)
                ++own[c * bins + bin];
        }
    };
    int i = 0;
    for (; i + 1 < cols; i += 2, p += 2 * xStep) {
        add(p, counts);
        add(p + xStep, counts + sub);
    }
    if (i < cols)
        add(p, counts);
}

/// Values per chunk of the float32 row passes (arrays of this many on the stack).
constexpr int FloatChunk = 1024;

/// Calls visit(values, pixels) for consecutive chunks of a grid row of
/// float32 pixels with C channels, each chunk as pixels * C contiguous
/// floats: where they lie for an interleaved row, otherwise (a sampled grid,
/// a channel subset) copied.
template <int C, typename Visit>
void forFloatChunks(const std::uint8_t *p, int cols, std::ptrdiff_t xStep, Visit &&visit)
{
    const bool direct = xStep == static_cast<std::ptrdiff_t>(C * sizeof(float)) &&
                        reinterpret_cast<std::uintptr_t>(p) % alignof(float) == 0;
    constexpr int chunkPixels = FloatChunk / C;
    float copy[FloatChunk];
    for (int first = 0; first < cols; first += chunkPixels) {
        const int pixels = std::min(chunkPixels, cols - first);
        const std::uint8_t *chunk = p + static_cast<std::ptrdiff_t>(first) * xStep;
        if (direct) {
            visit(reinterpret_cast<const float *>(chunk), pixels);
            continue;
        }
        for (int i = 0; i < pixels; ++i)
            std::memcpy(copy + i * C, chunk + static_cast<std::ptrdiff_t>(i) * xStep, C * sizeof(float));
        visit(static_cast<const float *>(copy), pixels);
    }
}

/// Adds n float32 values to stats, values[i] being of channel i % channels
/// (1 to 4; n a multiple of channels). Several values at a time (SSE2).
void statsOfFloats(const float *values, std::size_t n, int channels, RowStats &stats);

/// statsRow for float32 pixels, several values at a time.
template <int C> void statsFloatRow(const std::uint8_t *p, int cols, std::ptrdiff_t xStep, RowStats &stats)
{
    forFloatChunks<C>(p, cols, xStep, [&](const float *values, int pixels) {
        statsOfFloats(values, static_cast<std::size_t>(pixels) * C, C, stats);
    });
}

/// binRow for float32 pixels when every channel has the same edges: the
/// bins of a chunk come from BinFinder::shortcutBins, several values at a
/// time; the few it leaves (-1) take NumPy's steps one by one.
template <int C>
void binFloatRow(const std::uint8_t *p, int cols, std::ptrdiff_t xStep, const BinFinder &finder, int bins,
                 std::uint64_t *counts)
{
    static_assert(C >= 1 && C <= MaxRowChannels && SubHistograms == 2);
    const std::ptrdiff_t sub = static_cast<std::ptrdiff_t>(C) * bins;
    int found[FloatChunk];
    forFloatChunks<C>(p, cols, xStep, [&](const float *values, int pixels) {
        finder.shortcutBins(values, static_cast<std::size_t>(pixels) * C, found);
        for (int i = 0; i < pixels; ++i) {
            std::uint64_t *own = counts + (i & 1) * sub;
#pragma GCC unroll 4
            for (int c = 0; c < C; ++c) {
                int bin = found[i * C + c];
                if (bin < 0) [[unlikely]]
                    bin = finder.numpySteps(values[i * C + c]);
                if (bin >= 0)
                    ++own[c * bins + bin];
            }
        }
    });
}

/// Statistics of one grid row: the float32 pass for float32, statsRow otherwise.
template <typename T, int C> void statsOfRow(const std::uint8_t *p, int cols, std::ptrdiff_t xStep, RowStats &stats)
{
    if constexpr (std::is_same_v<T, float>)
        statsFloatRow<C>(p, cols, xStep, stats);
    else
        statsRow<T, C>(p, cols, xStep, stats);
}

/// Calls f(T(), std::integral_constant<int, C>()) with T the image's
/// component type and C its channel count, which must be 1 to MaxRowChannels.
template <typename F> decltype(auto) withRowKernel(const Image &image, F &&f)
{
    return withComponentType(image.dtype(), [&](auto tag) {
        switch (image.channels()) {
        case 1: return f(tag, std::integral_constant<int, 1>());
        case 2: return f(tag, std::integral_constant<int, 2>());
        case 3: return f(tag, std::integral_constant<int, 3>());
        default: break;
        }
        return f(tag, std::integral_constant<int, 4>());
    });
}

} // namespace livepix::detail
