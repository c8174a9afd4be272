#pragma once
// Levels (black and white points) fitted to an image's data.
#include <string_view>
#include <vector>

#include "livepix/export.h"
#include "livepix/image.h"

namespace livepix {

/// A black point and a white point in the image's stored units (raw uint16
/// counts, raw floats). Always lo < hi for ranges this file returns.
struct LevelRange {
    double lo = 0.0;
    double hi = 1.0;
    bool operator==(const LevelRange &o) const { return lo == o.lo && hi == o.hi; }
};

enum class AutoLevelsMode { MinMax, Percentile };

/// The mode a name stands for: "minmax" or "percentile" (the names
/// Python's auto_levels takes, in the console and in the livepix module).
/// Throws std::invalid_argument naming the bad value and the accepted names
/// (pybind11 turns it into ValueError). Thread safety: any thread.
LIVEPIX_API AutoLevelsMode parseAutoLevelsMode(std::string_view name);

/// The name parseAutoLevelsMode() accepts for `mode`.
LIVEPIX_API std::string_view autoLevelsModeName(AutoLevelsMode mode);

struct AutoLevelsOptions {
    AutoLevelsMode mode = AutoLevelsMode::MinMax;
    double lowPercent = 0.1;   // Percentile mode: saturate this % at the low end
    double highPercent = 99.9; // ... and keep values up to this percentile
    /// One range for all `channels` (true, as Fiji and napari do for colour) or one per channel.
    bool linked = true;
    /// Channels to fit (indices); empty: the colour channels (alpha excluded).
    std::vector<int> channels;
    /// 0: every pixel; otherwise a regular sample of about this many pixels.
    std::size_t pixelBudget = 0;
};

/// Fits levels to the finite values. Returns one range per image channel
/// (channels not fitted get the dtype's full range; linked: every fitted
/// channel gets the same range, fitted to their values pooled). A constant or empty channel gets a sensible
/// non-empty range: [v - 0.5, v + 0.5] for integers, [v - max(|v|,1)*0.5, v + max(|v|,1)*0.5] for floats,
/// clamped to the dtype's range for integers; a channel (or linked group)
/// with no finite value gets the dtype's full range.
///
/// MinMax: the finite min and max. Percentile: lo is the value of rank
/// floor((n-1) * lowPercent/100) and hi that of rank ceil((n-1) * highPercent/100)
/// among the n finite values, i.e. numpy.percentile(v, low, method="lower")
/// and (v, high, method="higher"): always values that occur. Exact for every
/// dtype: integers and float16 by counting their codes, float32 by a coarse
/// histogram that finds the bin of each rank and nth_element within it.
/// When lo == hi (e.g. most values equal) the constant rule applies.
/// Throws std::invalid_argument for percentiles outside 0..100 or low > high,
/// or a channel index outside the image. Multi-threaded; reads pixels only;
/// callable from any thread.
LIVEPIX_API std::vector<LevelRange> autoLevels(const Image &image, const AutoLevelsOptions &options = {});

/// The dtype's full range: uint8 0..255, uint16 0..65535, floats 0..1.
LIVEPIX_API LevelRange fullRange(DType type);

} // namespace livepix
