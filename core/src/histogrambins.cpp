#include "histogrambins.h"

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

} // namespace livepix::detail
