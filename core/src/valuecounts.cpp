#include "valuecounts.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace livepix::detail {

double ValueCounts::valueOf(std::uint32_t code) const
{
    if (type != DType::Float16)
        return static_cast<double>(code);
    float16 half;
    half.setBits(static_cast<std::uint16_t>(code));
    return static_cast<double>(static_cast<float>(half));
}

std::vector<std::pair<double, std::uint64_t>> ValueCounts::sortedFinite(int c) const
{
    std::vector<std::pair<double, std::uint64_t>> values;
    const auto &channel = counts[static_cast<std::size_t>(c)];
    for (std::uint32_t code = 0; code < channel.size(); ++code) {
        const double v = valueOf(code);
        if (channel[code] != 0 && std::isfinite(v))
            values.emplace_back(v, channel[code]);
    }
    if (type == DType::Float16) { // bit patterns are not in value order; +0 and -0 stay apart, equal in value
        std::sort(values.begin(), values.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
    }
    return values;
}

ValueCounts countValues(const Image &image, const PixelGrid &grid, const std::atomic<bool> *cancel)
{
    ValueCounts result;
    result.type = image.dtype();
    const std::size_t codes = ValueCounts::codes(result.type);
    const auto channels = static_cast<std::size_t>(image.channels());
    const RowBands bands(grid.rows, grid.cols * channels);
    // One table per thread: [thread][channel * codes + code].
    std::vector<std::vector<std::uint64_t>> tables(static_cast<std::size_t>(bands.threads()),
                                                   std::vector<std::uint64_t>(channels * codes));
    bool done;
    if (result.type == DType::UInt8) {
        done = walkComponents(image, grid, bands, [&](int thread, int c, const std::uint8_t *p) {
            ++tables[static_cast<std::size_t>(thread)][static_cast<std::size_t>(c) * codes + *p];
        }, cancel);
    } else {
        done = walkComponents(image, grid, bands, [&](int thread, int c, const std::uint8_t *p) {
            std::uint16_t code;
            std::memcpy(&code, p, sizeof code);
            ++tables[static_cast<std::size_t>(thread)][static_cast<std::size_t>(c) * codes + code];
        }, cancel);
    }
    result.cancelled = !done;
    result.counts.assign(channels, std::vector<std::uint64_t>(codes));
    for (const auto &table : tables)
        for (std::size_t c = 0; c < channels; ++c)
            for (std::size_t code = 0; code < codes; ++code)
                result.counts[c][code] += table[c * codes + code];
    return result;
}

} // namespace livepix::detail
