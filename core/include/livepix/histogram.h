#pragma once
// Histogram and statistics of an image's stored values (headless; used by the
// histogram dock, auto levels and livepix.histogram()).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "livepix/export.h"
#include "livepix/image.h"

namespace livepix {

/// Per-channel statistics over the values a histogram looked at (all pixels,
/// or the sample). min/max/mean are over finite values only; NaN and +-Inf are
/// counted apart. With no finite value, min = max = mean = NaN.
struct ChannelStats {
    double min = 0.0;
    double max = 0.0;
    double mean = 0.0;
    std::uint64_t finite = 0;
    std::uint64_t nan = 0;
    std::uint64_t posInf = 0;
    std::uint64_t negInf = 0;
};

struct HistogramOptions {
    int bins = 256;
    /// Value range of the bins. Unset: the finite min..max of each channel set
    /// (NumPy's rule: an empty range becomes lo-0.5..hi+0.5).
    std::optional<std::pair<double, double>> range;
    /// One shared range for all channels (true) or one range per channel.
    bool sharedRange = true;
    /// 0: every pixel. Otherwise at most about this many pixels are looked at,
    /// on a regular grid, and Histogram::sampled is set.
    std::size_t pixelBudget = 0;
    /// Optional cancel flag, polled between row bands.
    const std::atomic<bool> *cancel = nullptr;
};

/// counts[c][b] counts channel c's finite values in bin b; bin edges are
/// edges[c] (bins + 1 doubles, computed as numpy.histogram does: linspace in
/// float64, last bin closed). With sharedRange every edges[c] is the same.
struct Histogram {
    int bins = 0;
    std::vector<std::vector<double>> edges;
    std::vector<std::vector<std::uint64_t>> counts;
    std::vector<ChannelStats> stats;
    bool sampled = false;
    std::size_t pixelsLooked = 0;
    bool cancelled = false;
};

/// Histogram of every channel of `image` (any dtype, any strides). Equal to
/// numpy.histogram per channel over the same finite values. Multi-threaded.
/// Thread safety: reads pixels only; callable from any thread.
LIVEPIX_API Histogram computeHistogram(const Image &image, const HistogramOptions &options = {});

} // namespace livepix
