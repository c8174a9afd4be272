#pragma once
// Private to the core: numpy.histogram's uniform bins, operation for
// operation in float64, so that counts and edges equal NumPy's.
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
class BinFinder {
public:
    explicit BinFinder(const std::vector<double> &edges)
        : m_edges(edges.data()), m_bins(static_cast<int>(edges.size()) - 1), m_first(edges.front()),
          m_last(edges.back()), m_norm(m_bins / (m_last - m_first))
    {
    }
    /// -1 when v is outside [first, last] (NaN included).
    int operator()(double v) const
    {
        if (!(v >= m_first && v <= m_last))
            return -1;
        const double estimate = (v - m_first) * m_norm;
        // NumPy moves an estimate of n down one; `!(<)` also keeps a NaN
        // estimate (a degenerate norm) away from the integer conversion.
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
};

} // namespace livepix::detail
