#include "histogramrows.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace livepix::detail {

namespace {

/// Adds values[0, n) one by one (values[i] is of channel (channelOfFirst + i) %
/// channels), all but their count.
void statsOneByOne(const float *values, std::size_t n, int channels, int channelOfFirst, RowStats &stats)
{
    int c = channelOfFirst;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = values[i];
        if (std::isfinite(v)) {
            stats.min[c] = std::min(stats.min[c], v);
            stats.max[c] = std::max(stats.max[c], v);
            stats.sum[c] += v;
        } else {
            stats.addNonFinite(c, v);
        }
        c = c + 1 == channels ? 0 : c + 1;
    }
}

} // namespace

void statsOfFloats(const float *values, std::size_t n, int channels, RowStats &stats)
{
    std::size_t i = 0;
#if defined(__SSE2__)
    // Blocks of 12 values (three vectors of four): 12 is a multiple of 1, 2,
    // 3 and 4, so lane j of vector k always holds channel (4k + j) % channels
    // and each (vector, lane) keeps its own minimum, maximum and sum. A
    // block holding NaN or Inf is added one value at a time instead.
    constexpr std::size_t Block = 12;
    __m128 lo[3], hi[3];
    __m128d sumLow[3], sumHigh[3];
    for (int k = 0; k < 3; ++k) {
        lo[k] = _mm_set1_ps(std::numeric_limits<float>::infinity());
        hi[k] = _mm_set1_ps(-std::numeric_limits<float>::infinity());
        sumLow[k] = sumHigh[k] = _mm_setzero_pd();
    }
    const __m128 zero = _mm_setzero_ps();
    for (; i + Block <= n; i += Block) {
        __m128 x[3];
        __m128 finite = _mm_castsi128_ps(_mm_set1_epi32(-1));
        for (int k = 0; k < 3; ++k) {
            x[k] = _mm_loadu_ps(values + i + 4 * k);
            // x - x is 0 for finite x and NaN for NaN and +-Inf.
            finite = _mm_and_ps(finite, _mm_cmpeq_ps(_mm_sub_ps(x[k], x[k]), zero));
        }
        if (_mm_movemask_ps(finite) != 0xf) [[unlikely]] {
            statsOneByOne(values + i, Block, channels, 0, stats);
            continue;
        }
        for (int k = 0; k < 3; ++k) {
            lo[k] = _mm_min_ps(lo[k], x[k]);
            hi[k] = _mm_max_ps(hi[k], x[k]);
            sumLow[k] = _mm_add_pd(sumLow[k], _mm_cvtps_pd(x[k]));
            sumHigh[k] = _mm_add_pd(sumHigh[k], _mm_cvtps_pd(_mm_movehl_ps(x[k], x[k])));
        }
    }
    for (int k = 0; k < 3; ++k) {
        alignas(16) float mins[4], maxs[4];
        alignas(16) double sums[4];
        _mm_store_ps(mins, lo[k]);
        _mm_store_ps(maxs, hi[k]);
        _mm_store_pd(sums, sumLow[k]);
        _mm_store_pd(sums + 2, sumHigh[k]);
        for (int j = 0; j < 4; ++j) {
            const int c = (4 * k + j) % channels;
            stats.min[c] = std::min(stats.min[c], double(mins[j]));
            stats.max[c] = std::max(stats.max[c], double(maxs[j]));
            stats.sum[c] += sums[j];
        }
    }
#endif
    statsOneByOne(values + i, n - i, channels, static_cast<int>(i % static_cast<std::size_t>(channels)), stats);
    for (int c = 0; c < channels; ++c)
        stats.values[c] += n / static_cast<std::size_t>(channels);
}

} // namespace livepix::detail
