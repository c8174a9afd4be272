#include "livepix/filterregion.h"

#include <algorithm>
#include <stdexcept>

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

void runFilterOnRegion(const Filter &filter, const Image &source, const Image &target, PixelRect region,
                       const ParamValues &values, FilterContext &context, int margin, std::mutex *commit)
{
    if (source.isNull() || target.isNull())
        throw FilterError(filter.name() + ": no image to run on");
    if (source.width() != target.width() || source.height() != target.height() ||
        source.channels() != target.channels() || source.dtype() != target.dtype())
        throw std::invalid_argument("runFilterOnRegion: source and target differ in size, channels or dtype");
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
    std::unique_lock<std::mutex> lock;
    if (commit)
        lock = std::unique_lock<std::mutex>(*commit);
    if (context.isCancelled())
        throw FilterCancelled(filter.name());
    target.view(region.x, region.y, region.width, region.height).copyPixelsFrom(result);
    target.markChanged();
}

} // namespace livepix
