#include "livepix/filterregion.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>

#include "blockmeans.h"
#include "draftfill.h"
#include "livepix/filtererror.h"
#include "livepix/filterrun.h"
#include "snapshotpool.h"

namespace livepix {

PixelRect PixelRect::grownWithin(int margin, int imageWidth, int imageHeight) const
{
    if (isEmpty())
        return {};
    const long long left = std::max<long long>(0, static_cast<long long>(x) - margin);
    const long long top = std::max<long long>(0, static_cast<long long>(y) - margin);
    const long long right = std::min<long long>(imageWidth, static_cast<long long>(x) + width + margin);
    const long long bottom = std::min<long long>(imageHeight, static_cast<long long>(y) + height + margin);
    if (right <= left || bottom <= top)
        return {};
    return {int(left), int(top), int(right - left), int(bottom - top)};
}

namespace {

void checkPair(const char *function, const Filter &filter, const Image &source, const Image &target)
{
    if (source.isNull() || target.isNull())
        throw FilterError(filter.name() + ": no image to run on");
    if (source.width() != target.width() || source.height() != target.height() ||
        source.channels() != target.channels() || source.dtype() != target.dtype())
        throw std::invalid_argument(std::string(function) +
                                    ": source and target differ in size, channels or dtype");
}

// Holds `commit` (when given) and throws when the run was cancelled meanwhile:
// the last check before a result is written.
std::unique_lock<std::mutex> lockForCommit(const Filter &filter, FilterContext &context, std::mutex *commit)
{
    std::unique_lock<std::mutex> lock;
    if (commit)
        lock = std::unique_lock<std::mutex>(*commit);
    if (context.isCancelled())
        throw FilterCancelled(filter.name());
    return lock;
}

// The pixels of `source` a draft samples: one per step x step block of
// `region`, at the block's centre. The offset is the same for every block,
// so the samples are one strided view; where the image ends inside the last
// block, it is moved in so that block's sample stays in the image.
Image blockSamples(const Image &source, PixelRect region, int step)
{
    const int cols = (region.width + step - 1) / step;
    const int rows = (region.height + step - 1) / step;
    const int dx = std::min(step / 2, source.width() - 1 - (region.x + (cols - 1) * step));
    const int dy = std::min(step / 2, source.height() - 1 - (region.y + (rows - 1) * step));
    const std::uint8_t *first = source.pixel(region.x + dx, region.y + dy);
    return Image::wrap(source.buffer(), std::size_t(first - source.buffer()->data()), cols, rows, source.channels(),
                       source.dtype(), source.xStride() * step, source.yStride() * step);
}

} // namespace

void runFilterOnRegion(const Filter &filter, const Image &source, const Image &target, PixelRect region,
                       const ParamValues &values, FilterContext &context, int margin, std::mutex *commit)
{
    checkPair("runFilterOnRegion", filter, source, target);
    if (margin < 0)
        throw std::invalid_argument("runFilterOnRegion: margin " + std::to_string(margin) + " is negative");
    region = region.grownWithin(0, source.width(), source.height()); // clip
    if (region.isEmpty())
        return;
    const PixelRect outer = region.grownWithin(margin, source.width(), source.height());
    // A scratch of the region and its margin: the filter works in place,
    // and `target` may be `source` (whose pixels around the region must
    // still be the originals for the next run).
    // Its buffer comes from (and goes back to) the snapshot pool: the next
    // run at the same view finds its pages warm.
    const detail::PooledCopy pooled(source.view(outer.x, outer.y, outer.width, outer.height));
    const Image &scratch = pooled.image();
    runFilter(filter, scratch, values, context, nullptr, /*restorable=*/false);
    const Image result = scratch.view(region.x - outer.x, region.y - outer.y, region.width, region.height);
    const auto lock = lockForCommit(filter, context, commit);
    target.view(region.x, region.y, region.width, region.height).copyPixelsFrom(result);
    target.markChanged();
}

void runFilterDraft(const Filter &filter, const Image &source, const Image &target, PixelRect region, int step,
                    const ParamValues &values, const FilterTraits &traits, FilterContext &context,
                    std::mutex *commit, DraftFill fill)
{
    checkPair("runFilterDraft", filter, source, target);
    if (step < 1)
        throw std::invalid_argument("runFilterDraft: step " + std::to_string(step) + " is below 1");
    if (!traits.draftable())
        throw std::invalid_argument("runFilterDraft: " + filter.name() +
                                    " is neither pointwise nor declares lengths; a draft could look nothing like it");
    if (step == 1) {
        runFilterOnRegion(filter, source, target, region, values, context,
                          traits.pointwise ? 0 : DefaultRegionMargin, commit);
        return;
    }
    region = region.grownWithin(0, source.width(), source.height()); // clip
    if (region.isEmpty())
        return;
    if (traits.pointwise) {
        // The samples are copied out first: the filter works in place, and
        // `target` may be `source`.
        const detail::PooledCopy small(blockSamples(source, region, step));
        runFilter(filter, small.image(), values, context, nullptr, /*restorable=*/false);
        const auto lock = lockForCommit(filter, context, commit);
        detail::fillBlocks(small.image(), target, region, step);
        target.markChanged();
        return;
    }
    // The margin is whole blocks, so the region's blocks are blocks of the
    // reduced image too; blocks cut by the image's edge are means of less.
    const int reach = (DefaultRegionMargin + step - 1) / step;
    const int left = std::min(reach, region.x / step);
    const int above = std::min(reach, region.y / step);
    const int outerX = region.x - left * step, outerY = region.y - above * step;
    const PixelRect outer{outerX, outerY, std::min(source.width(), region.x + region.width + reach * step) - outerX,
                          std::min(source.height(), region.y + region.height + reach * step) - outerY};
    const detail::PooledImage small((outer.width + step - 1) / step, (outer.height + step - 1) / step,
                                    source.channels(), source.dtype());
    detail::blockMeans(source, outer, step, small.image());
    runFilter(filter, small.image(), draftValues(filter, values, traits, step), context, nullptr,
              /*restorable=*/false);
    const auto lock = lockForCommit(filter, context, commit);
    if (fill == DraftFill::Smooth)
        detail::fillSmooth(small.image(), target, region, step, outer.x, outer.y);
    else
        detail::fillBlocks(small.image().view(left, above, (region.width + step - 1) / step,
                                              (region.height + step - 1) / step),
                           target, region, step);
    target.markChanged();
}

ParamValues draftValues(const Filter &filter, const ParamValues &values, const FilterTraits &traits, int step)
{
    if (step < 1)
        throw std::invalid_argument("draftValues: step " + std::to_string(step) + " is below 1");
    ParamValues scaled = values;
    for (const FilterParam &param : filter.params()) {
        if (std::find(traits.lengths.begin(), traits.lengths.end(), param.name) == traits.lengths.end())
            continue;
        const ParamValue given = values.contains(param.name) ? values.get(param.name) : param.defaultValue;
        if (param.type == ParamType::Float) {
            const double length = std::get<double>(param.coerce(given)) / step;
            scaled.set(param.name, std::clamp(length, param.minimum, param.maximum));
        } else if (param.type == ParamType::Int) {
            const std::int64_t length = std::get<std::int64_t>(param.coerce(given));
            const std::int64_t parity = length & 1;
            // The nearest number of the same parity: parity + 2n.
            std::int64_t n = parity + 2 * std::llround((double(length) / step - double(parity)) / 2.0);
            n = std::clamp<std::int64_t>(n, std::int64_t(std::ceil(param.minimum)), std::int64_t(param.maximum));
            if ((n & 1) != parity && n + 1 <= std::int64_t(param.maximum))
                ++n;
            scaled.set(param.name, n);
        }
    }
    return scaled;
}

} // namespace livepix
