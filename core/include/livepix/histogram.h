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
/// numpy.histogram per channel over the same finite values taken as float64
/// (`np.histogram(v[np.isfinite(v)].astype(np.float64), bins, range)`). For
/// uint8 and uint16 that is exactly NumPy on the raw array; for float16 and
/// float32 arrays NumPy itself would compute the edges in the array's own
/// precision, livepix always in float64. The range rule is NumPy's too: no
/// finite value gives 0..1, an empty range [v, v] becomes [v - 0.5, v + 0.5].
/// Multi-threaded over row bands. A cancelled run returns with `cancelled`
/// set and partial counts. Throws std::invalid_argument for bins < 1 or a
/// range that is not finite or has lo > hi (naming the values).
/// Thread safety: reads pixels only; callable from any thread.
LIVEPIX_API Histogram computeHistogram(const Image &image, const HistogramOptions &options = {});

/// Only the statistics (min, max, mean, NaN/Inf counts) of every channel:
/// the first half of computeHistogram's work. pixelBudget as in
/// HistogramOptions. Empty when the image is null or the run was cancelled.
/// Thread safety: reads pixels only; callable from any thread.
LIVEPIX_API std::vector<ChannelStats> computeStatistics(const Image &image, std::size_t pixelBudget = 0,
                                                        const std::atomic<bool> *cancel = nullptr);

} // namespace livepix
