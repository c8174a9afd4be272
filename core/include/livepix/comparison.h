#pragma once
// Comparing two images: error metrics and difference images (headless).
#include <cstdint>

#include "livepix/export.h"
#include "livepix/image.h"

namespace livepix {

/// Metrics over the overlap of two images (top-left aligned) and their colour
/// channels (alpha excluded; channels present in both). Computed in float64 on
/// raw stored values. mse averages over pixels and channels; psnr's peak is the
/// dtype's maximum for integers and 1.0 for floats (of image `a`; +inf when
/// mse == 0); differing counts pixels where any compared channel differs.
struct CompareMetrics {
    double mse = 0.0;
    double psnr = 0.0;
    double maxAbs = 0.0;
    std::uint64_t differing = 0;
    int overlapWidth = 0;
    int overlapHeight = 0;
    int channels = 0;
    bool sizesDiffer = false; // the images differ in size: metrics cover the overlap
};

/// Thread safety: reads pixels only; any thread. Multi-threaded.
LIVEPIX_API CompareMetrics compareMetrics(const Image &a, const Image &b);

enum class DifferenceMode {
    Signed,   // a - b
    Absolute, // |a - b|
    Squared,  // (a - b)^2
    Relative, // |a - b| / max(|b|, 1e-3)
};

/// A float32 image of the overlap with one channel per compared colour channel,
/// holding the difference computed in float64 per component. When `reuse` has
/// the right size, channels and dtype its buffer is written in place (lets a
/// display cache avoid a new allocation per frame); otherwise a new image.
/// Thread safety: reads a and b, writes only the result; any thread.
LIVEPIX_API Image differenceImage(const Image &a, const Image &b, DifferenceMode mode, Image reuse = {});

} // namespace livepix
