#include "livepix/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "histogrambins.h"
#include "histogramrows.h"
#include "pixelwalk.h"
#include "valuecounts.h"

namespace livepix {

namespace {

using detail::BinFinder;
using detail::GridRows;
using detail::PixelGrid;
using detail::RowBands;
using detail::RowStats;

// Below this many grid pixels a 16-bit image is walked value by value:
// clearing and reading 65536 counters per channel would cost more.
constexpr std::size_t MinPixelsToCount16 = 1 << 16;

/// Running statistics of one channel (finite values apart from NaN and +-Inf).
struct StatsAccumulator {
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double sum = 0.0;
    ChannelStats counts;

    void add(double v, std::uint64_t n = 1)
    {
        if (std::isnan(v)) {
            counts.nan += n;
        } else if (std::isinf(v)) {
            (v > 0 ? counts.posInf : counts.negInf) += n;
        } else {
            counts.finite += n;
            sum += v * static_cast<double>(n);
            min = std::min(min, v);
            max = std::max(max, v);
        }
    }
    void merge(const StatsAccumulator &o)
    {
        min = std::min(min, o.min);
        max = std::max(max, o.max);
        sum += o.sum;
        counts.finite += o.counts.finite;
        counts.nan += o.counts.nan;
        counts.posInf += o.counts.posInf;
        counts.negInf += o.counts.negInf;
    }
    /// Adds channel c of what one thread's row passes gathered.
    void merge(const RowStats &o, int c)
    {
        min = std::min(min, o.min[c]);
        max = std::max(max, o.max[c]);
        sum += o.sum[c];
        counts.nan += o.nan[c];
        counts.posInf += o.posInf[c];
        counts.negInf += o.negInf[c];
        counts.finite += o.values[c] - o.nan[c] - o.posInf[c] - o.negInf[c];
    }
    ChannelStats result() const
    {
        ChannelStats stats = counts;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        stats.min = counts.finite ? min : nan;
        stats.max = counts.finite ? max : nan;
        stats.mean = counts.finite ? sum / static_cast<double>(counts.finite) : nan;
        return stats;
    }
};

void checkOptions(const HistogramOptions &options)
{
    if (options.bins < 1)
        throw std::invalid_argument("histogram bins must be at least 1, not " + std::to_string(options.bins));
    if (options.range) {
        const auto [lo, hi] = *options.range;
        if (!std::isfinite(lo) || !std::isfinite(hi))
            throw std::invalid_argument("histogram range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                        "] is not finite");
        if (lo > hi)
            throw std::invalid_argument("histogram range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                        "]: the low end must not be above the high end");
    }
}

bool countsCodes(const Image &image, const PixelGrid &grid)
{
    return detail::ValueCounts::applies(image.dtype()) &&
           (image.dtype() == DType::UInt8 || grid.pixels() >= MinPixelsToCount16);
}

/// Calls pass(group, first) for the image, or, when it has more channels
/// than a row pass takes, for views of consecutive groups of its channels
/// (first: the group's first channel). Stops at the first pass returning false.
template <typename Pass> bool forChannelGroups(const Image &image, Pass &&pass)
{
    const int channels = image.channels();
    if (channels <= detail::MaxRowChannels)
        return pass(image, 0);
    for (int first = 0; first < channels; first += detail::MaxRowChannels)
        if (!pass(image.channelView(first, std::min(detail::MaxRowChannels, channels - first)), first))
            return false;
    return true;
}

/// Statistics of every channel by walking the values (multi-threaded).
/// Returns false when cancelled.
bool walkStats(const Image &image, const PixelGrid &grid, std::vector<StatsAccumulator> &out,
               const std::atomic<bool> *cancel)
{
    out.assign(static_cast<std::size_t>(image.channels()), {});
    return forChannelGroups(image, [&](const Image &group, int first) {
        const RowBands bands(grid.rows, grid.cols * static_cast<std::size_t>(group.channels()));
        const GridRows rows(group, grid);
        std::vector<RowStats> partial(static_cast<std::size_t>(bands.threads()));
        const bool done = detail::withRowKernel(group, [&](auto tag, auto kernelChannels) {
            using T = decltype(tag);
            constexpr int C = decltype(kernelChannels)::value;
            return bands.run([&](int thread, int begin, int end) {
                for (int j = begin; j < end; ++j)
                    detail::statsOfRow<T, C>(rows.row(j), grid.cols, rows.xStep, partial[std::size_t(thread)]);
            }, cancel);
        });
        for (const RowStats &p : partial)
            for (int c = 0; c < group.channels(); ++c)
                out[static_cast<std::size_t>(first + c)].merge(p, c);
        return done;
    });
}

/// Statistics from counted codes (exact, no second pass).
std::vector<StatsAccumulator> statsFromCounts(const detail::ValueCounts &counts)
{
    std::vector<StatsAccumulator> out(counts.counts.size());
    for (std::size_t c = 0; c < out.size(); ++c)
        for (std::uint32_t code = 0; code < counts.counts[c].size(); ++code)
            if (const std::uint64_t n = counts.counts[c][code])
                out[c].add(counts.valueOf(code), n);
    return out;
}

/// Bin edges per channel: the given range, or the finite min..max (shared
/// over the channels or each its own), widened by NumPy's empty-range rule.
std::vector<std::vector<double>> edgesFor(const std::vector<StatsAccumulator> &stats, const HistogramOptions &options)
{
    std::vector<std::vector<double>> edges(stats.size());
    auto rangeOf = [](double lo, double hi) {
        // NumPy's range for no values at all is 0..1.
        return lo <= hi ? std::pair<double, double>(lo, hi) : std::pair<double, double>(0.0, 1.0);
    };
    std::pair<double, double> shared{0.0, 1.0};
    if (options.range) {
        shared = *options.range;
    } else if (options.sharedRange) {
        StatsAccumulator all;
        for (const auto &s : stats)
            all.merge(s);
        shared = rangeOf(all.min, all.max);
    }
    for (std::size_t c = 0; c < stats.size(); ++c) {
        auto range = options.range || options.sharedRange ? shared : rangeOf(stats[c].min, stats[c].max);
        range = detail::outerEdges(range.first, range.second);
        edges[c] = detail::binEdges(range.first, range.second, options.bins);
    }
    return edges;
}

/// Bins every finite value by walking the values; also gathers statistics
/// when `stats` is not null. Returns false when cancelled.
bool walkBins(const Image &image, const PixelGrid &grid, Histogram &result, std::vector<StatsAccumulator> *stats,
              const std::atomic<bool> *cancel)
{
    const int bins = result.bins;
    if (stats)
        stats->assign(static_cast<std::size_t>(image.channels()), {});
    return forChannelGroups(image, [&](const Image &group, int first) {
        const int channels = group.channels();
        std::vector<BinFinder> finders;
        for (int c = 0; c < channels; ++c)
            finders.emplace_back(result.edges[static_cast<std::size_t>(first + c)]);
        const RowBands bands(grid.rows, grid.cols * static_cast<std::size_t>(channels));
        const GridRows rows(group, grid);
        const std::size_t perThread = std::size_t(detail::SubHistograms) * std::size_t(channels) * std::size_t(bins);
        std::vector<std::uint64_t> counts(static_cast<std::size_t>(bands.threads()) * perThread);
        std::vector<RowStats> partial(static_cast<std::size_t>(bands.threads()));
        bool sameEdges = true;
        for (int c = 1; c < channels; ++c)
            sameEdges = sameEdges && result.edges[std::size_t(first + c)] == result.edges[std::size_t(first)];
        const bool done = detail::withRowKernel(group, [&](auto tag, auto kernelChannels) {
            using T = decltype(tag);
            constexpr int C = decltype(kernelChannels)::value;
            return bands.run([&](int thread, int begin, int end) {
                std::uint64_t *own = counts.data() + static_cast<std::size_t>(thread) * perThread;
                for (int j = begin; j < end; ++j) {
                    // The row is in cache for the second loop.
                    if (stats)
                        detail::statsOfRow<T, C>(rows.row(j), grid.cols, rows.xStep, partial[std::size_t(thread)]);
                    if constexpr (std::is_same_v<T, float>)
                        if (sameEdges) {
                            detail::binFloatRow<C>(rows.row(j), grid.cols, rows.xStep, finders.front(), bins, own);
                            continue;
                        }
                    detail::binRow<T, C>(rows.row(j), grid.cols, rows.xStep, finders.data(), bins, own);
                }
            }, cancel);
        });
        for (std::size_t i = 0; i < counts.size(); ++i) {
            const std::size_t c = i / static_cast<std::size_t>(bins) % static_cast<std::size_t>(channels);
            result.counts[static_cast<std::size_t>(first) + c][i % static_cast<std::size_t>(bins)] += counts[i];
        }
        if (stats)
            for (const RowStats &p : partial)
                for (int c = 0; c < channels; ++c)
                    (*stats)[static_cast<std::size_t>(first + c)].merge(p, c);
        return done;
    });
}

Histogram cancelledHistogram(Histogram result)
{
    result.cancelled = true;
    return result;
}

} // namespace

Histogram computeHistogram(const Image &image, const HistogramOptions &options)
{
    checkOptions(options);
    Histogram result;
    result.bins = options.bins;
    if (image.isNull())
        return result;
    const PixelGrid grid = PixelGrid::cover(image.width(), image.height(), options.pixelBudget);
    const auto channels = static_cast<std::size_t>(image.channels());
    result.sampled = grid.sampled();
    result.pixelsLooked = grid.pixels();
    result.counts.assign(channels, std::vector<std::uint64_t>(static_cast<std::size_t>(options.bins)));

    std::vector<StatsAccumulator> stats;
    if (countsCodes(image, grid)) {
        // One pass: count the codes, then bin each distinct code once.
        const detail::ValueCounts counts = detail::countValues(image, grid, options.cancel);
        if (counts.cancelled)
            return cancelledHistogram(std::move(result));
        stats = statsFromCounts(counts);
        result.edges = edgesFor(stats, options);
        for (std::size_t c = 0; c < channels; ++c) {
            const BinFinder finder(result.edges[c]);
            for (std::uint32_t code = 0; code < counts.counts[c].size(); ++code)
                if (const std::uint64_t n = counts.counts[c][code]; n != 0)
                    if (const int bin = finder(counts.valueOf(code)); bin >= 0)
                        result.counts[c][static_cast<std::size_t>(bin)] += n;
        }
    } else if (options.range) {
        // The range is known: statistics and bins in one pass.
        result.edges = edgesFor(std::vector<StatsAccumulator>(channels), options);
        if (!walkBins(image, grid, result, &stats, options.cancel))
            return cancelledHistogram(std::move(result));
    } else {
        // The range comes from the data: statistics first, then bins.
        if (!walkStats(image, grid, stats, options.cancel))
            return cancelledHistogram(std::move(result));
        result.edges = edgesFor(stats, options);
        if (!walkBins(image, grid, result, nullptr, options.cancel))
            return cancelledHistogram(std::move(result));
    }
    for (const auto &s : stats)
        result.stats.push_back(s.result());
    return result;
}

std::vector<ChannelStats> computeStatistics(const Image &image, std::size_t pixelBudget,
                                            const std::atomic<bool> *cancel)
{
    std::vector<ChannelStats> result;
    if (image.isNull())
        return result;
    const PixelGrid grid = PixelGrid::cover(image.width(), image.height(), pixelBudget);
    std::vector<StatsAccumulator> stats;
    if (countsCodes(image, grid)) {
        const detail::ValueCounts counts = detail::countValues(image, grid, cancel);
        if (counts.cancelled)
            return result;
        stats = statsFromCounts(counts);
    } else if (!walkStats(image, grid, stats, cancel)) {
        return result;
    }
    for (const auto &s : stats)
        result.push_back(s.result());
    return result;
}

} // namespace livepix
