#pragma once
// runFilterOnRegion: a filter's result for one rectangle of an image, first
// (what the parameter dialog's preview shows before the whole image is done).
#include <mutex>

#include "livepix/filter.h"
#include "livepix/filtertraits.h"

namespace livepix {

/// A rectangle of image pixels.
struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;

    bool isEmpty() const { return width <= 0 || height <= 0; }
    long long area() const { return isEmpty() ? 0 : static_cast<long long>(width) * height; }
    /// This rectangle grown by `margin` on every side, then clipped to a
    /// width x height image.
    PixelRect grownWithin(int margin, int imageWidth, int imageHeight) const;
    bool operator==(const PixelRect &o) const
    {
        return x == o.x && y == o.y && width == o.width && height == o.height;
    }
};

/// Pixels around the region that runFilterOnRegion() gives the filter by
/// default. Gaussian Blur's kernel reaches 3 sigma, so sigma up to 42 (and a
/// median window up to 257) gives, inside the region, exactly what the whole
/// image run gives. Filters that look further, or at the whole image (auto
/// levels), give something near it there.
inline constexpr int DefaultRegionMargin = 128;

/// Runs `filter` on the pixels of `source` inside `region` and `margin`
/// pixels around it (clipped to the image), in a scratch image of that size,
/// and copies the result inside `region` into the same place of `target`
/// (same size, channels and dtype as `source`; it may be `source` itself).
/// `region` is clipped to the image; an empty one does nothing.
///
/// The filter sees the scratch's edges as the image's edges, so where the
/// region is closer to a cut than the filter reaches the result differs
/// from a whole-image run; where the region meets the real image edge it
/// does not.
///
/// `target` is written only after the filter succeeded, and then under
/// `commit` (when given) after checking the context once more: a run
/// cancelled meanwhile throws FilterCancelled and writes nothing. Callers
/// that let an older whole-image run and a newer region run overlap (the
/// preview) share one mutex so the older never overwrites the newer.
/// Errors are runFilter()'s; `target` is then untouched.
///
/// Threading: call from any thread; see Filter for concurrency rules.
LIVEPIX_API void runFilterOnRegion(const Filter &filter, const Image &source, const Image &target,
                                   PixelRect region, const ParamValues &values, FilterContext &context,
                                   int margin = DefaultRegionMargin, std::mutex *commit = nullptr);

/// How a draft's pixels fill the region they stand for.
enum class DraftFill {
    /// Each fills its step x step block: nothing else shows when a block is
    /// one screen pixel (zoomed out), and it costs one write per pixel.
    Blocks,
    /// Bilinear between block centres, for drafts from a reduced image
    /// whose blocks span two screen pixels or more and would show (a
    /// pointwise draft still fills blocks: between its exact samples
    /// anything may lie).
    Smooth,
};

/// A draft of a filter's result over `region` at one pixel in step x step:
/// the filter runs on a scratch image holding one pixel per step x step
/// block of the region, and each result fills its block in `target`, cut to
/// the region. That is 1/step² of the filter's work (less for a filter with
/// lengths, which also shrink), and with step the image pixels per screen
/// pixel (zoomed out) the screen shows what looks like the real result.
/// `fill` says how results fill their blocks (DraftFill).
///
/// What the scratch holds depends on `traits`:
/// - pointwise: one sample of `source` per block (its centre; nearer the
///   block's start where the image ends before it), so the draft is exact
///   at the sampled pixels, and no margin is needed;
/// - lengths declared: each block's mean (the region reduced step times by
///   area), with DefaultRegionMargin image pixels around the region in
///   whole blocks where the image has them, and the filter runs with the
///   lengths divided by step (draftValues()). Approximate: a blur or a
///   median of the reduced image, as it looks at that scale.
/// Other filters are refused (std::invalid_argument): a draft could look
/// nothing like their result. step 1 is runFilterOnRegion() (no margin when
/// pointwise). The whole-image run that follows replaces the draft.
///
/// `region` is clipped to the image; an empty one does nothing. `target`
/// is written (block rows on a few threads) only after the filter
/// succeeded, under `commit` after a last cancel check, as in
/// runFilterOnRegion(). Throws std::invalid_argument for a step below 1 or
/// a `target` unlike `source`.
///
/// Threading: call from any thread; see Filter for concurrency rules.
LIVEPIX_API void runFilterDraft(const Filter &filter, const Image &source, const Image &target, PixelRect region,
                                int step, const ParamValues &values, const FilterTraits &traits,
                                FilterContext &context, std::mutex *commit = nullptr,
                                DraftFill fill = DraftFill::Blocks);

/// The values a draft at one pixel in step x step runs with: each parameter
/// named in traits.lengths divided by step and kept in its declared range,
/// an int one rounded to the nearest number of the same parity (odd window
/// sizes stay odd); the other values as given. A length missing from
/// `values` takes its parameter's default.
LIVEPIX_API ParamValues draftValues(const Filter &filter, const ParamValues &values, const FilterTraits &traits,
                                    int step);

} // namespace livepix
