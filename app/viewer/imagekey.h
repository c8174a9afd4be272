#pragma once
// ImageKey: what a cache remembers about an Image to know whether it is still current.
#include <cstddef>
#include <cstdint>
#include <memory>

#include <livepix/image.h>

namespace livepix::gui {

/// Identity (buffer, layout) and revision of an Image. The buffer is held
/// through a weak_ptr: a cache never keeps pixels alive, and a new buffer at
/// a recycled address is not mistaken for the old one. Two keys are equal
/// only while the buffer is alive and every field matches, so a cache keyed
/// on it is rebuilt after Image::markChanged() (Viewer::pixelsMayHaveChanged).
/// Threading: a value type.
struct ImageKey {
    std::weak_ptr<PixelBuffer> buffer;
    std::size_t offset = 0;
    int width = 0, height = 0, channels = 0;
    DType dtype = DType::UInt8;
    std::ptrdiff_t xStride = 0, yStride = 0;
    std::uint64_t revision = 0;

    ImageKey() = default;
    explicit ImageKey(const Image &image)
        : buffer(image.buffer()), offset(image.offset()), width(image.width()), height(image.height()),
          channels(image.channels()), dtype(image.dtype()), xStride(image.xStride()), yStride(image.yStride()),
          revision(image.revision())
    {
    }

    bool operator==(const ImageKey &o) const
    {
        const bool bothNull = buffer.expired() && o.buffer.expired() && width == 0 && o.width == 0;
        if (bothNull)
            return true;
        return !buffer.expired() && !buffer.owner_before(o.buffer) && !o.buffer.owner_before(buffer) &&
               offset == o.offset && width == o.width && height == o.height && channels == o.channels &&
               dtype == o.dtype && xStride == o.xStride && yStride == o.yStride && revision == o.revision;
    }
    bool operator!=(const ImageKey &o) const { return !(*this == o); }
    /// Equal but perhaps for the revision: the same live buffer and layout.
    bool sameButRevision(const ImageKey &o) const
    {
        ImageKey other = o;
        other.revision = revision;
        return *this == other;
    }
};

} // namespace livepix::gui
