#include "livepix/comparison.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "livepix/autolevels.h"
#include "pixelwalk.h"

namespace livepix {

namespace {

using detail::GridRows;
using detail::PixelGrid;
using detail::RowBands;

/// The channels compared: those present in both images that are alpha in
/// neither; all channels present in both when that leaves none.
std::vector<int> comparedChannels(const Image &a, const Image &b)
{
    const int both = std::min(a.channels(), b.channels());
    std::vector<int> channels;
    for (int c = 0; c < both; ++c)
        if (c != a.alphaChannel() && c != b.alphaChannel())
            channels.push_back(c);
    if (channels.empty())
        for (int c = 0; c < both; ++c)
            channels.push_back(c);
    return channels;
}

/// Walks the overlap of a and b row band by row band: visit(thread, y,
/// rowA, rowB, stepA, stepB) with the first pixel of grid row y of each and
/// the byte steps between pixels (the one two-image walk comparison shares).
template <typename Visit>
bool walkOverlap(const Image &a, const Image &b, const PixelGrid &grid, const RowBands &bands, Visit &&visit)
{
    const GridRows rowsA(a, grid), rowsB(b, grid);
    return bands.run([&](int thread, int begin, int end) {
        for (int y = begin; y < end; ++y)
            visit(thread, y, rowsA.row(y), rowsB.row(y), rowsA.xStep, rowsB.xStep);
    });
}

/// Per-thread sums of a metrics pass.
struct MetricsAccumulator {
    double squares = 0.0;
    double maxAbs = 0.0;
    bool sawNaN = false;
    std::uint64_t differing = 0;
};

template <typename A, typename B>
void metricsOfRow(MetricsAccumulator &acc, const std::vector<int> &channels, int width, const std::uint8_t *pa,
                  const std::uint8_t *pb, std::ptrdiff_t stepA, std::ptrdiff_t stepB)
{
    double squares = 0.0; // per row first, so long sums lose less
    for (int x = 0; x < width; ++x, pa += stepA, pb += stepB) {
        bool differs = false;
        for (const int c : channels) {
            const double va = detail::componentAt<A>(pa + static_cast<std::ptrdiff_t>(c) * sizeof(A));
            const double vb = detail::componentAt<B>(pb + static_cast<std::ptrdiff_t>(c) * sizeof(B));
            const double d = va - vb;
            differs |= va != vb;
            squares += d * d;
            const double abs = std::abs(d);
            if (std::isnan(abs))
                acc.sawNaN = true;
            else
                acc.maxAbs = std::max(acc.maxAbs, abs);
        }
        acc.differing += differs;
    }
    acc.squares += squares;
}

double peakOf(DType type)
{
    return isFloat(type) ? 1.0 : fullRange(type).hi;
}

/// Calls f(A(), B()) with the component types of a and b.
template <typename F> void withComponentTypes(DType a, DType b, F &&f)
{
    detail::withComponentType(a, [&](auto ta) { detail::withComponentType(b, [&](auto tb) { f(ta, tb); }); });
}

/// One difference component, in float64.
inline double differenceOf(double a, double b, DifferenceMode mode)
{
    const double d = a - b;
    switch (mode) {
    case DifferenceMode::Signed: return d;
    case DifferenceMode::Absolute: return std::abs(d);
    case DifferenceMode::Squared: return d * d;
    case DifferenceMode::Relative: break;
    }
    return std::abs(d) / std::max(std::abs(b), 1e-3); // a NaN |b| stays NaN, as np.maximum keeps it
}

} // namespace

CompareMetrics compareMetrics(const Image &a, const Image &b)
{
    CompareMetrics m;
    if (a.isNull() || b.isNull())
        return m;
    m.overlapWidth = std::min(a.width(), b.width());
    m.overlapHeight = std::min(a.height(), b.height());
    m.sizesDiffer = a.width() != b.width() || a.height() != b.height();
    const std::vector<int> channels = comparedChannels(a, b);
    m.channels = static_cast<int>(channels.size());
    const PixelGrid grid = PixelGrid::cover(m.overlapWidth, m.overlapHeight);
    const RowBands bands(grid.rows, grid.cols * channels.size());
    std::vector<MetricsAccumulator> partial(static_cast<std::size_t>(bands.threads()));
    withComponentTypes(a.dtype(), b.dtype(), [&](auto ta, auto tb) {
        using A = decltype(ta);
        using B = decltype(tb);
        walkOverlap(a, b, grid, bands, [&](int thread, int, const std::uint8_t *pa, const std::uint8_t *pb,
                                    std::ptrdiff_t stepA, std::ptrdiff_t stepB) {
            metricsOfRow<A, B>(partial[static_cast<std::size_t>(thread)], channels, grid.cols, pa, pb, stepA, stepB);
        });
    });
    MetricsAccumulator total;
    for (const auto &p : partial) {
        total.squares += p.squares;
        total.maxAbs = std::max(total.maxAbs, p.maxAbs);
        total.sawNaN |= p.sawNaN;
        total.differing += p.differing;
    }
    const double values = static_cast<double>(grid.pixels()) * static_cast<double>(channels.size());
    m.mse = values > 0 ? total.squares / values : 0.0;
    m.maxAbs = total.sawNaN ? std::numeric_limits<double>::quiet_NaN() : total.maxAbs;
    m.differing = total.differing;
    const double peak = peakOf(a.dtype());
    m.psnr = m.mse == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(peak * peak / m.mse);
    return m;
}

Image differenceImage(const Image &a, const Image &b, DifferenceMode mode, Image reuse)
{
    if (a.isNull() || b.isNull())
        return {};
    const int width = std::min(a.width(), b.width());
    const int height = std::min(a.height(), b.height());
    const std::vector<int> channels = comparedChannels(a, b);
    const int count = static_cast<int>(channels.size());
    Image out = reuse;
    if (out.isNull() || out.readOnly() || out.width() != width || out.height() != height || out.channels() != count ||
        out.dtype() != DType::Float32)
        out = Image::create(width, height, count, DType::Float32);
    std::vector<std::string> names;
    for (const int c : channels)
        names.push_back(c < static_cast<int>(a.channelNames().size()) ? a.channelNames()[static_cast<std::size_t>(c)]
                                                                      : std::to_string(c));
    out.setChannelNames(std::move(names));
    const PixelGrid grid = PixelGrid::cover(width, height);
    const RowBands bands(grid.rows, grid.cols * channels.size());
    withComponentTypes(a.dtype(), b.dtype(), [&](auto ta, auto tb) {
        using A = decltype(ta);
        using B = decltype(tb);
        walkOverlap(a, b, grid, bands, [&](int, int y, const std::uint8_t *pa, const std::uint8_t *pb, std::ptrdiff_t stepA,
                                    std::ptrdiff_t stepB) {
            std::uint8_t *po = out.row(y);
            for (int x = 0; x < width; ++x, pa += stepA, pb += stepB, po += out.xStride())
                for (int i = 0; i < count; ++i) {
                    const auto c = static_cast<std::ptrdiff_t>(channels[static_cast<std::size_t>(i)]);
                    const float d = static_cast<float>(differenceOf(detail::componentAt<A>(pa + c * sizeof(A)),
                                                                    detail::componentAt<B>(pb + c * sizeof(B)), mode));
                    std::memcpy(po + static_cast<std::ptrdiff_t>(i) * sizeof(float), &d, sizeof d);
                }
        });
    });
    return out;
}

} // namespace livepix
