#pragma once
// Private to the core: numpy.histogram's uniform bins, operation for
// operation in float64, so that counts and edges equal NumPy's.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace livepix::detail {

/// NumPy's _get_outer_edges: an empty range [v, v] becomes [v - 0.5, v + 0.5].
std::pair<double, double> outerEdges(double first, double last);

/// numpy.linspace(first, last, bins + 1) in float64: i * step + first, with
/// step = (last - first) / bins, and the last edge set to `last`.
std::vector<double> binEdges(double first, double last, int bins);

/// The bin a value falls in, found as numpy.histogram's uniform-bin path
/// finds it: an estimate from (v - first) * norm, then one correction step
/// against the edges; values equal to the last edge go in the last bin.
///
/// Most values take a shortcut that needs no edge: the estimate
/// e(v) = (v - first) * norm is monotone in v (each rounding is), so when
/// e(v) lies strictly between e(edges[k]) and e(edges[k + 1]), with
/// k = int(e(v)), then edges[k] < v < edges[k + 1] and NumPy's corrections
/// change nothing: the bin is k. The constructor finds the smallest margins
/// that hold for every bin (m_fastLow < frac(e) < m_fastHigh); values
/// within them of an integer, and NaN, Inf or out-of-range values, take
/// NumPy's full steps.
class BinFinder {
public:
    explicit BinFinder(const std::vector<double> &edges);

    /// -1 when v is outside [first, last] (NaN included).
    int operator()(double v) const
    {
        const int index = shortcut(v);
        return index >= 0 ? index : numpySteps(v);
    }

    /// The bin by the shortcut alone, or -1 where it does not apply.
    int shortcut(double v) const
    {
        const double estimate = (v - m_first) * m_norm;
        if (estimate >= 0.0 && estimate < m_binsAsDouble) {
            const int index = static_cast<int>(estimate);
            const double fraction = estimate - index; // exact (Sterbenz)
            if (fraction > m_fastLow && fraction < m_fastHigh)
                return index;
        }
        return -1;
    }

    /// shortcut() of n float32 values into out, several at a time (SSE2).
    void shortcutBins(const float *values, std::size_t n, int *out) const;

    /// NumPy's steps, no shortcut (tests compare the two).
    int numpySteps(double v) const
    {
        if (!(v >= m_first && v <= m_last))
            return -1;
        const double estimate = (v - m_first) * m_norm;
        // A range so narrow that bins / width overflowed: the estimate is
        // NaN or inf and one step from it may not reach the bin (NumPy
        // itself fails there with an IndexError); the edges say where v is.
        if (!std::isfinite(estimate))
            return std::min(m_bins - 1, int(std::upper_bound(m_edges, m_edges + m_bins + 1, v) - m_edges) - 1);
        // NumPy moves an estimate of n down one.
        int index = !(estimate < m_bins) ? m_bins - 1 : static_cast<int>(estimate);
        if (v < m_edges[index])
            --index;
        else if (index != m_bins - 1 && v >= m_edges[index + 1])
            ++index;
        return index;
    }

private:
    const double *m_edges;
    int m_bins;
    double m_first;
    double m_last;
    double m_norm;
    double m_binsAsDouble;
    // The shortcut's margins; m_fastLow = +inf turns it off.
    double m_fastLow;
    double m_fastHigh;
};

} // namespace livepix::detail
