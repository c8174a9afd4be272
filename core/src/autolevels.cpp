#include "livepix/autolevels.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "histogrambins.h"
#include "livepix/histogram.h"
#include "pixelwalk.h"
#include "valuecounts.h"

namespace livepix {

namespace {

using detail::PixelGrid;

// Bins of the coarse histogram that locates a float32 percentile before the
// exact pass (fewer values to sort the finer it is).
constexpr int CoarseBins = 4096;

/// What a group of channels holds: the count of finite values and, once
/// found, the two order statistics (or min and max).
struct Fit {
    std::uint64_t finite = 0;
    double lo = 0.0;
    double hi = 0.0;
};

/// Ranks of NumPy's percentile(method="lower") and (method="higher").
std::uint64_t lowerRank(std::uint64_t n, double percent)
{
    return static_cast<std::uint64_t>(std::floor(static_cast<double>(n - 1) * (percent / 100.0)));
}
std::uint64_t higherRank(std::uint64_t n, double percent)
{
    return static_cast<std::uint64_t>(std::ceil(static_cast<double>(n - 1) * (percent / 100.0)));
}

/// The value of rank k (0-based) in value/count pairs sorted by value.
double valueOfRank(const std::vector<std::pair<double, std::uint64_t>> &sorted, std::uint64_t k)
{
    std::uint64_t seen = 0;
    for (const auto &[value, count] : sorted) {
        seen += count;
        if (k < seen)
            return value;
    }
    return sorted.back().first;
}

/// Percentiles of the pooled channels of a type with few codes: exact, by counting.
Fit percentileByCounting(const Image &image, const std::vector<int> &group, const PixelGrid &grid,
                         const AutoLevelsOptions &options)
{
    const detail::ValueCounts counts = detail::countValues(image, grid);
    std::vector<std::pair<double, std::uint64_t>> pooled;
    for (const int c : group) {
        const auto values = counts.sortedFinite(c);
        pooled.insert(pooled.end(), values.begin(), values.end());
    }
    std::stable_sort(pooled.begin(), pooled.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    Fit fit;
    for (const auto &entry : pooled)
        fit.finite += entry.second;
    if (fit.finite == 0)
        return fit;
    fit.lo = valueOfRank(pooled, lowerRank(fit.finite, options.lowPercent));
    fit.hi = valueOfRank(pooled, higherRank(fit.finite, options.highPercent));
    return fit;
}

/// The values of the group's channels that fall in bins `a` and `b` of `edges`.
std::vector<std::vector<double>> valuesInBins(const Image &image, const std::vector<int> &group, const PixelGrid &grid,
                                              const std::vector<double> &edges, int a, int b)
{
    std::vector<char> inGroup(static_cast<std::size_t>(image.channels()), 0);
    for (const int c : group)
        inGroup[static_cast<std::size_t>(c)] = 1;
    const detail::BinFinder finder(edges);
    const detail::RowBands bands(grid.rows, grid.cols * static_cast<std::size_t>(image.channels()));
    std::vector<std::vector<double>> perThread[2];
    for (auto &v : perThread)
        v.resize(static_cast<std::size_t>(bands.threads()));
    detail::walkComponents(image, grid, bands, [&](int thread, int c, const std::uint8_t *p) {
        if (!inGroup[static_cast<std::size_t>(c)])
            return;
        const double v = detail::componentAt<float>(p);
        const int bin = finder(v);
        if (bin == a)
            perThread[0][static_cast<std::size_t>(thread)].push_back(v);
        if (bin == b)
            perThread[1][static_cast<std::size_t>(thread)].push_back(v);
    });
    std::vector<std::vector<double>> result(2);
    for (int i = 0; i < 2; ++i)
        for (const auto &part : perThread[i])
            result[static_cast<std::size_t>(i)].insert(result[static_cast<std::size_t>(i)].end(), part.begin(),
                                                       part.end());
    return result;
}

/// Percentiles of the pooled float32 channels, exact: a coarse histogram
/// finds the bin holding each rank, then nth_element on that bin's values.
Fit percentileOfFloats(const Image &image, const std::vector<int> &group, const PixelGrid &grid,
                       const AutoLevelsOptions &options)
{
    const std::vector<ChannelStats> stats = computeStatistics(image, options.pixelBudget);
    Fit fit;
    double lo = INFINITY, hi = -INFINITY;
    for (const int c : group) {
        const ChannelStats &s = stats[static_cast<std::size_t>(c)];
        fit.finite += s.finite;
        if (s.finite) {
            lo = std::min(lo, s.min);
            hi = std::max(hi, s.max);
        }
    }
    if (fit.finite == 0 || lo == hi) {
        fit.lo = lo;
        fit.hi = hi;
        return fit;
    }
    HistogramOptions coarse;
    coarse.bins = CoarseBins;
    coarse.range = std::make_pair(lo, hi);
    coarse.pixelBudget = options.pixelBudget;
    const Histogram histogram = computeHistogram(image, coarse);
    std::vector<std::uint64_t> pooled(CoarseBins);
    for (const int c : group)
        for (std::size_t b = 0; b < pooled.size(); ++b)
            pooled[b] += histogram.counts[static_cast<std::size_t>(c)][b];
    // Bin of rank k, and how many values lie in the bins below it.
    auto locate = [&](std::uint64_t k) {
        std::uint64_t below = 0;
        int bin = 0;
        while (bin < CoarseBins - 1 && below + pooled[static_cast<std::size_t>(bin)] <= k)
            below += pooled[static_cast<std::size_t>(bin++)];
        return std::make_pair(bin, k - below);
    };
    const auto [lowBin, lowRank] = locate(lowerRank(fit.finite, options.lowPercent));
    const auto [highBin, highRank] = locate(higherRank(fit.finite, options.highPercent));
    auto values = valuesInBins(image, group, grid, histogram.edges.front(), lowBin, highBin);
    // Pixels may change between the passes (a live edit): then a bin may
    // hold fewer values than counted, and its edge stands in.
    auto nth = [](std::vector<double> &v, std::uint64_t k, double fallback) {
        if (v.empty())
            return fallback;
        k = std::min<std::uint64_t>(k, v.size() - 1);
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
        return v[static_cast<std::size_t>(k)];
    };
    const std::vector<double> &edges = histogram.edges.front();
    fit.lo = nth(values[0], lowRank, edges[static_cast<std::size_t>(lowBin)]);
    fit.hi = nth(values[1], highRank, edges[static_cast<std::size_t>(highBin) + 1]);
    return fit;
}

Fit minMax(const Image &image, const std::vector<int> &group, std::size_t pixelBudget)
{
    const std::vector<ChannelStats> stats = computeStatistics(image, pixelBudget);
    Fit fit{0, INFINITY, -INFINITY};
    for (const int c : group) {
        const ChannelStats &s = stats[static_cast<std::size_t>(c)];
        fit.finite += s.finite;
        if (s.finite) {
            fit.lo = std::min(fit.lo, s.min);
            fit.hi = std::max(fit.hi, s.max);
        }
    }
    return fit;
}

/// The levels for a group's fit: the fit itself, or the rule for a constant
/// (lo == hi) or empty group.
LevelRange levelsOf(const Fit &fit, DType type)
{
    const LevelRange full = fullRange(type);
    if (fit.finite == 0)
        return full;
    if (fit.lo < fit.hi)
        return {fit.lo, fit.hi};
    const double v = fit.lo;
    if (isFloat(type)) {
        const double half = std::max(std::abs(v), 1.0) * 0.5;
        return {v - half, v + half};
    }
    return {std::max(v - 0.5, full.lo), std::min(v + 0.5, full.hi)};
}

void checkOptions(const Image &image, const AutoLevelsOptions &options)
{
    const double lo = options.lowPercent, hi = options.highPercent;
    if (!(lo >= 0 && lo <= 100 && hi >= 0 && hi <= 100 && lo <= hi))
        throw std::invalid_argument("auto levels percentiles " + std::to_string(lo) + " and " + std::to_string(hi) +
                                    " must lie in 0..100 with low <= high");
    for (const int c : options.channels)
        if (c < 0 || c >= image.channels())
            throw std::invalid_argument("auto levels: channel " + std::to_string(c) + " is not one of the image's " +
                                        std::to_string(image.channels()) + " channels");
}

/// The channels to fit: the chosen ones, else all but alpha (all when that
/// leaves none, as for a lone alpha channel).
std::vector<int> fittedChannels(const Image &image, const AutoLevelsOptions &options)
{
    if (!options.channels.empty())
        return options.channels;
    std::vector<int> channels;
    for (int c = 0; c < image.channels(); ++c)
        if (c != image.alphaChannel())
            channels.push_back(c);
    if (channels.empty())
        channels.push_back(0);
    return channels;
}

Fit fitGroup(const Image &image, const std::vector<int> &group, const AutoLevelsOptions &options)
{
    if (options.mode == AutoLevelsMode::MinMax)
        return minMax(image, group, options.pixelBudget);
    const PixelGrid grid = PixelGrid::cover(image.width(), image.height(), options.pixelBudget);
    if (detail::ValueCounts::applies(image.dtype()))
        return percentileByCounting(image, group, grid, options);
    return percentileOfFloats(image, group, grid, options);
}

} // namespace

AutoLevelsMode parseAutoLevelsMode(std::string_view name)
{
    for (const AutoLevelsMode mode : {AutoLevelsMode::MinMax, AutoLevelsMode::Percentile})
        if (name == autoLevelsModeName(mode))
            return mode;
    throw std::invalid_argument("auto levels mode \"" + std::string(name) + "\" is not one of \"" +
                                std::string(autoLevelsModeName(AutoLevelsMode::MinMax)) + "\", \"" +
                                std::string(autoLevelsModeName(AutoLevelsMode::Percentile)) + "\"");
}

std::string_view autoLevelsModeName(AutoLevelsMode mode)
{
    switch (mode) {
    case AutoLevelsMode::MinMax: return "minmax";
    case AutoLevelsMode::Percentile: break;
    }
    return "percentile";
}

LevelRange fullRange(DType type)
{
    switch (type) {
    case DType::UInt8: return {0.0, 255.0};
    case DType::UInt16: return {0.0, 65535.0};
    case DType::Float16:
    case DType::Float32: break;
    }
    return {0.0, 1.0};
}

std::vector<LevelRange> autoLevels(const Image &image, const AutoLevelsOptions &options)
{
    if (image.isNull())
        return {};
    checkOptions(image, options);
    std::vector<LevelRange> result(static_cast<std::size_t>(image.channels()), fullRange(image.dtype()));
    const std::vector<int> fitted = fittedChannels(image, options);
    if (options.linked) {
        const LevelRange levels = levelsOf(fitGroup(image, fitted, options), image.dtype());
        for (const int c : fitted)
            result[static_cast<std::size_t>(c)] = levels;
    } else {
        for (const int c : fitted)
            result[static_cast<std::size_t>(c)] =
                levelsOf(fitGroup(image.channelView(c, 1), {0}, options), image.dtype());
    }
    return result;
}

} // namespace livepix
