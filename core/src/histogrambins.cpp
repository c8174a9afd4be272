#include "histogrambins.h"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LIVEPIX_HAVE_AVX2_PATH 1
#endif

namespace livepix::detail {

std::pair<double, double> outerEdges(double first, double last)
{
    if (first == last)
        return {first - 0.5, last + 0.5};
    return {first, last};
}

std::vector<double> binEdges(double first, double last, int bins)
{
    // numpy.linspace: y = arange(n) * step + start; when step underflows to
    // zero it divides first instead: y = arange(n) / div * delta + start.
    std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
    const double delta = last - first;
    const double step = delta / bins;
    for (int i = 0; i <= bins; ++i) {
        const double y = step == 0 ? double(i) / bins * delta : double(i) * step;
        edges[static_cast<std::size_t>(i)] = y + first;
    }
    edges.back() = last;
    return edges;
}

BinFinder::BinFinder(const std::vector<double> &edges)
    : m_edges(edges.data()), m_bins(static_cast<int>(edges.size()) - 1), m_first(edges.front()),
      m_last(edges.back()), m_norm(m_bins / (m_last - m_first)), m_binsAsDouble(m_bins),
      m_fastLow(std::numeric_limits<double>::infinity()), m_fastHigh(-std::numeric_limits<double>::infinity())
{
    if (!(std::isfinite(m_norm) && m_norm > 0.0))
        return; // a degenerate range: NumPy's steps only
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    // Bin k holds v for sure when e(edges[k]) < e(v) < e(edges[k + 1]).
    // The margins are taken as differences from k, which are exact only
    // when the estimates of the edges lie within [k/2, 2k] (Sterbenz); on
    // ranges where they do not, the shortcut stays off.
    auto estimateOf = [this](double edge) { return (edge - m_first) * m_norm; };
    auto exactFrom = [](double x, int k) { return k == 0 || (x >= k / 2.0 && x <= 2.0 * k); };
    for (int k = 0; k < m_bins; ++k) {
        const double lowEdge = estimateOf(m_edges[k]);
        const double highEdge = estimateOf(m_edges[k + 1]);
        if (!exactFrom(lowEdge, k) || !exactFrom(highEdge, k))
            return;
        low = std::max(low, lowEdge - k);
        high = std::min(high, highEdge - k);
    }
    m_fastLow = low;
    m_fastHigh = high;
}

#ifdef LIVEPIX_HAVE_AVX2_PATH
namespace {

/// The shortcut on four values: the bins, -1 where it does not apply.
__attribute__((target("avx2"))) inline __m128i fourBins(__m128 x, __m256d first, __m256d norm, __m256d bins,
                                                        __m256d low, __m256d high)
{
    const __m256d estimate = _mm256_mul_pd(_mm256_sub_pd(_mm256_cvtps_pd(x), first), norm);
    const __m256d fraction = _mm256_sub_pd(estimate, _mm256_cvtepi32_pd(_mm256_cvttpd_epi32(estimate)));
    const __m256d ok = _mm256_and_pd(
        _mm256_and_pd(_mm256_cmp_pd(fraction, low, _CMP_GT_OQ), _mm256_cmp_pd(fraction, high, _CMP_LT_OQ)),
        _mm256_cmp_pd(estimate, bins, _CMP_LT_OQ));
    // Failing lanes convert -1.0 instead: -1 is "not found".
    return _mm256_cvttpd_epi32(_mm256_blendv_pd(_mm256_set1_pd(-1.0), estimate, ok));
}

/// BinFinder::shortcut() on four values per instruction, for processors with
/// AVX2 (chosen at run time: the build targets baseline x86-64). Same
/// operations in float64 as the scalar code, so the same results. Returns
/// how many values it did (a multiple of 8).
__attribute__((target("avx2"))) std::size_t shortcutBinsAvx2(const float *values, std::size_t n, int *out,
                                                             double first, double norm, double bins, double low,
                                                             double high)
{
    const __m256d f = _mm256_set1_pd(first), m = _mm256_set1_pd(norm), b = _mm256_set1_pd(bins);
    const __m256d lo = _mm256_set1_pd(low), hi = _mm256_set1_pd(high);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(values + i);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), fourBins(_mm256_castps256_ps128(x), f, m, b, lo, hi));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i + 4),
                         fourBins(_mm256_extractf128_ps(x, 1), f, m, b, lo, hi));
    }
    return i;
}

bool haveAvx2()
{
    static const bool have = __builtin_cpu_supports("avx2");
    return have;
}

} // namespace
#endif

void BinFinder::shortcutBins(const float *values, std::size_t n, int *out) const
{
    std::size_t i = 0;
#ifdef LIVEPIX_HAVE_AVX2_PATH
    if (haveAvx2())
        i = shortcutBinsAvx2(values, n, out, m_first, m_norm, m_binsAsDouble, m_fastLow, m_fastHigh);
#endif
#if defined(__SSE2__)
    // shortcut() on two values per instruction: the same operations in
    // float64, so the same results; a lane that fails a test gets -1.
    const __m128d first = _mm_set1_pd(m_first);
    const __m128d norm = _mm_set1_pd(m_norm);
    const __m128d bins = _mm_set1_pd(m_binsAsDouble);
    const __m128d low = _mm_set1_pd(m_fastLow);
    const __m128d high = _mm_set1_pd(m_fastHigh);
    const __m128i none = _mm_set1_epi32(-1);
    auto two = [&](__m128d v) {
        const __m128d estimate = _mm_mul_pd(_mm_sub_pd(v, first), norm);
        // Out of int range (and NaN) gives INT_MIN; `estimate < bins` and
        // `fraction > low` (low >= 0) reject those lanes, and negative ones.
        const __m128i index = _mm_cvttpd_epi32(estimate);
        const __m128d fraction = _mm_sub_pd(estimate, _mm_cvtepi32_pd(index));
        const __m128d ok = _mm_and_pd(_mm_and_pd(_mm_cmpgt_pd(fraction, low), _mm_cmplt_pd(fraction, high)),
                                      _mm_cmplt_pd(estimate, bins));
        const __m128i mask = _mm_shuffle_epi32(_mm_castpd_si128(ok), _MM_SHUFFLE(3, 3, 2, 0));
        return _mm_or_si128(_mm_and_si128(mask, index), _mm_andnot_si128(mask, none));
    };
    for (; i + 4 <= n; i += 4) { // what the AVX2 path left, or all
        const __m128 x = _mm_loadu_ps(values + i);
        const __m128i a = two(_mm_cvtps_pd(x));
        const __m128i b = two(_mm_cvtps_pd(_mm_movehl_ps(x, x)));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm_unpacklo_epi64(a, b));
    }
#endif
    for (; i < n; ++i)
        out[i] = shortcut(values[i]);
}

} // namespace livepix::detail
