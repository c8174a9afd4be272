#include "viewer/trackedchanges.h"

#include <algorithm>
#include <cstddef>

#include <livepix/pixelbuffer.h>

namespace livepix::gui {

TrackedEpoch trackedEpoch(const Image &image)
{
    const PixelBuffer *buffer = image.buffer().get();
    const WriteTracker *tracker = buffer ? buffer->writeTracker() : nullptr;
    if (!tracker || buffer->isShared() || image.xStride() <= 0 || image.yStride() <= 0)
        return {};
    return {tracker, tracker->id(), tracker->changeEpoch()};
}

std::vector<std::pair<int, int>> rowsTouched(const Image &image, const std::vector<WriteStep::Run> &runs)
{
    std::vector<std::pair<int, int>> rows;
    if (image.isNull() || image.yStride() <= 0)
        return rows;
    const std::ptrdiff_t origin = image.data() - image.buffer()->data();
    const std::ptrdiff_t stride = image.yStride();
    const std::ptrdiff_t extent = stride * image.height();
    for (const WriteStep::Run &run : runs) {
        const std::ptrdiff_t begin = std::ptrdiff_t(run.offset) - origin;
        const std::ptrdiff_t end = begin + std::ptrdiff_t(run.length);
        if (end <= 0 || begin >= extent)
            continue;
        const int first = int(std::max<std::ptrdiff_t>(begin, 0) / stride);
        const int last = int(std::min<std::ptrdiff_t>((end - 1) / stride + 1, image.height()));
        if (!rows.empty() && first <= rows.back().second)
            rows.back().second = std::max(rows.back().second, last);
        else
            rows.push_back({first, last});
    }
    return rows;
}

} // namespace livepix::gui
