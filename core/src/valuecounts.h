#pragma once
// Private to the core: how often each stored code occurs, for the types with
// few codes (uint8: 256, uint16 and float16: 65536 bit patterns). One pass of
// counting gives exact statistics, histograms and percentiles of such images.
#include <atomic>
#include <cstdint>
#include <vector>

#include "livepix/image.h"
#include "pixelwalk.h"

namespace livepix::detail {

struct ValueCounts {
    DType type = DType::UInt8;
    /// counts[c][code]: how many grid pixels hold `code` in channel c.
    std::vector<std::vector<std::uint64_t>> counts;
    bool cancelled = false;

    /// True for the types counted here (all but float32).
    static bool applies(DType type) { return type != DType::Float32; }
    /// 256 for uint8, 65536 for uint16 and float16.
    static std::uint32_t codes(DType type) { return type == DType::UInt8 ? 256u : 65536u; }
    /// The value a code stands for (float16 codes are bit patterns: NaN and +-Inf included).
    double valueOf(std::uint32_t code) const;
    /// The finite values of channel c with their counts, ascending by value.
    std::vector<std::pair<double, std::uint64_t>> sortedFinite(int c) const;
};

/// Counts the codes of every channel over the grid pixels (multi-threaded).
/// Only for types where ValueCounts::applies().
ValueCounts countValues(const Image &image, const PixelGrid &grid, const std::atomic<bool> *cancel = nullptr);

} // namespace livepix::detail
