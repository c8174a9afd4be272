#include "viewer/comparedifference.h"

#include <algorithm>
#include <cmath>

namespace livepix::gui {

namespace {

/// First sample and sample count along one axis (see sampledRegion()).
std::pair<int, int> samples(int begin, int length, int size, int step)
{
    const int end = std::min(begin + length, size);
    const int first = begin + std::min(step / 2, end - 1 - begin);
    return {first, (end - 1 - first) / step + 1};
}

} // namespace

Image sampledRegion(const Image &image, const QRect &region, int step)
{
    if (image.isNull() || region.isEmpty())
        return {};
    step = std::max(1, step);
    const auto [x, nx] = samples(region.x(), region.width(), image.width(), step);
    const auto [y, ny] = samples(region.y(), region.height(), image.height(), step);
    const std::size_t offset = image.offset() + static_cast<std::ptrdiff_t>(y) * image.yStride() +
                               static_cast<std::ptrdiff_t>(x) * image.xStride();
    Image view = Image::wrap(image.buffer(), offset, nx, ny, image.channels(), image.dtype(), image.xStride() * step,
                             image.yStride() * step);
    view.setChannelNames(image.channelNames());
    return view;
}

QRect overlapRect(const Image &a, const Image &b)
{
    if (a.isNull() || b.isNull())
        return {};
    return QRect(0, 0, std::min(a.width(), b.width()), std::min(a.height(), b.height()));
}

Image overlapDifference(const Image &a, const Image &b, DifferenceMode mode, std::size_t pixelBudget, int *step)
{
    const QRect overlap = overlapRect(a, b);
    const double pixels = double(overlap.width()) * overlap.height();
    int gridStep = 1;
    if (pixelBudget > 0 && pixels > double(pixelBudget))
        gridStep = int(std::ceil(std::sqrt(pixels / double(pixelBudget))));
    if (step)
        *step = gridStep;
    if (overlap.isEmpty())
        return {};
    return differenceImage(sampledRegion(a, overlap, gridStep), sampledRegion(b, overlap, gridStep), mode);
}

void DifferenceCache::clear()
{
    m_valid = false;
    m_result = {};
}

DifferenceCache::Result DifferenceCache::difference(const Image &a, const Image &b, DifferenceMode mode,
                                                    const QRect &region, int step)
{
    const QRect clipped = region.intersected(overlapRect(a, b));
    if (clipped.isEmpty())
        return {};
    const ImageKey keyA(a), keyB(b);
    if (m_valid && keyA == m_a && keyB == m_b && mode == m_mode && clipped == m_result.region && step == m_result.step)
        return m_result;
    Image reuse = m_result.image;
    m_result.image = Image(); // so `reuse` is the only handle while it is written
    Image diff = differenceImage(sampledRegion(a, clipped, step), sampledRegion(b, clipped, step), mode, reuse);
    diff.markChanged(); // written in place maybe: display caches keyed on it must rebuild
    m_result = {diff, clipped, step};
    m_a = keyA;
    m_b = keyB;
    m_mode = mode;
    m_valid = true;
    ++m_computations;
    return m_result;
}

} // namespace livepix::gui
