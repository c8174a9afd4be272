#include "livepix/filterrun.h"

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
/// image.copy() into a buffer from the SnapshotPool (warm pages when the
/// last run had the same size).
Image pooledCopy(const Image &image)
{
    const int w = image.width(), h = image.height(), c = image.channels();
    const DType type = image.dtype();
    Image copy = Image::wrap(detail::SnapshotPool::instance().take(imageByteCount(w, h, c, type)), 0, w, h, c, type,
                             std::ptrdiff_t(std::size_t(c) * byteSize(type)),
                             std::ptrdiff_t(paddedRowBytes(w, c, type)));
    copy.copyPixelsFrom(image);
    return copy;
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

    Image ownSnapshot;
    if (!before && restorable) {
        ownSnapshot = pooledCopy(image);
        before = &ownSnapshot;
    }
    // The snapshot's buffer goes back to the pool however the run ends.
    struct GiveBack {
        Image &snapshot;
        ~GiveBack()
        {
            PixelBufferPtr buffer = snapshot.buffer();
            snapshot = Image();
            detail::SnapshotPool::instance().give(std::move(buffer));
        }
    } giveBack{ownSnapshot};
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
