#include "livepix/filterrun.h"

#include <optional>
#include <string>

#include "livepix/filtererror.h"
#include "snapshotpool.h"

namespace livepix {

namespace {
std::string supportedList(const Filter &filter)
{
    std::string list;
    for (DType t : filter.dtypes())
        list += (list.empty() ? "" : ", ") + std::string(dtypeName(t));
    return list;
}
} // namespace

void runFilter(const Filter &filter, const Image &image, const ParamValues &values, FilterContext &context,
               const Image *before, bool restorable)
{
    const std::string name = filter.name();
    if (image.isNull())
        throw FilterError(name + ": no image");
    if (image.readOnly())
        throw FilterError(name + ": the image is read-only");
    if (!filter.supports(image.dtype()))
        throw FilterError(name + " does not support " + dtypeName(image.dtype()) + " images (it supports " +
                          supportedList(filter) + ")");
    const ParamValues resolved = resolveParams(filter.params(), values);
    context.throwIfCancelled(name.c_str());

    // The snapshot's buffer goes back to the pool however the run ends.
    std::optional<detail::PooledCopy> ownSnapshot;
    if (!before && restorable) {
        ownSnapshot.emplace(image);
        before = &ownSnapshot->image();
    }
    // Neighbourhood filters read the unmodified pixels from here instead of
    // copying the image again (FilterContext::original()).
    struct Original {
        FilterContext &context;
        ~Original() { context.setOriginal(nullptr); }
    } original{context};
    context.setOriginal(before);
    auto restore = [&] {
        if (before)
            image.copyPixelsFrom(*before);
        image.markChanged();
    };
    try {
        filter.apply(image, resolved, context);
    } catch (...) {
        restore();
        if (context.isCancelled())
            throw FilterCancelled(name);
        throw;
    }
    if (context.isCancelled()) {
        // The filter noticed the cancel and returned early: its partial
        // result is discarded like a failure's.
        restore();
        throw FilterCancelled(name);
    }
    context.setProgress(1.f);
    image.markChanged();
}

} // namespace livepix
