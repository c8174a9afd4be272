#pragma once
// Image: a handle to pixels in a shared PixelBuffer (the core's main type).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "livepix/dtype.h"
#include "livepix/metadata.h"
#include "livepix/pixelbuffer.h"

namespace livepix {

/// A strided view of pixels held in a PixelBuffer.
///
/// Ownership: an Image never owns bytes; it holds a shared reference to the
/// buffer that does. Copying an Image copies the handle (both see the same
/// pixels); copy() makes a deep copy. view() and channels() make handles to
/// a part of the same memory. Byte strides are signed and explicit: pixel
/// (x, y) channel c is at data() + y*yStride() + x*xStride() + c*byteSize(dtype).
///
/// Images made by create() (and by loadImage) are interleaved with rows padded
/// to a multiple of 64 bytes, so every row starts 64-byte aligned.
///
/// Descriptive state (channel names, path, source type, read-only flag,
/// metadata) belongs to the handle: views and copies start with the parent's,
/// and changing one handle's names does not change another's.
///
/// Threading: a handle is a plain value; do not mutate one handle from two
/// threads. Different handles to one buffer may be used from any thread (see
/// PixelBuffer for the rule on the bytes); the buffer's reference count is
/// atomic, so handles may be copied and dropped on any thread.
class LIVEPIX_API Image {
public:
    /// An empty (null) image: isNull() is true, no buffer.
    Image() = default;

    /// Allocates a zero-filled, interleaved, row-padded image.
    /// Throws std::invalid_argument for a zero or negative size or channels
    /// outside 1..maxChannels, naming the value.
    static Image create(int width, int height, int channels, DType type);

    /// Wraps existing memory inside `buffer` (used by bindings and tests).
    /// Throws std::invalid_argument if the described pixels do not fit in it.
    static Image wrap(PixelBufferPtr buffer, std::size_t offset, int width, int height, int channels,
                      DType type, std::ptrdiff_t xStride, std::ptrdiff_t yStride);

    static constexpr int maxChannels = 1024;

    bool isNull() const { return !m_buffer; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int channels() const { return m_channels; }
    DType dtype() const { return m_dtype; }
    std::size_t componentSize() const { return byteSize(m_dtype); }
    std::ptrdiff_t xStride() const { return m_xStride; }
    std::ptrdiff_t yStride() const { return m_yStride; }
    std::size_t offset() const { return m_offset; }
    /// True when pixels are interleaved (xStride == channels*componentSize).
    bool isInterleaved() const;
    /// True when rows follow each other with no gap.
    bool isContiguous() const;

    const PixelBufferPtr &buffer() const { return m_buffer; }
    /// Address of pixel (0, 0) channel 0.
    std::uint8_t *data() const { return m_buffer ? m_buffer->data() + m_offset : nullptr; }
    std::uint8_t *row(int y) const { return data() + static_cast<std::ptrdiff_t>(y) * m_yStride; }
    std::uint8_t *pixel(int x, int y) const { return row(y) + static_cast<std::ptrdiff_t>(x) * m_xStride; }

    /// Typed access to one component; checks bounds and that T matches dtype()
    /// (throws std::invalid_argument / std::out_of_range naming the mismatch).
    template <typename T> T &at(int x, int y, int c) const {
        checkAccess(DTypeOf<T>::value, x, y, c);
        return *reinterpret_cast<T *>(pixel(x, y) + static_cast<std::ptrdiff_t>(c) * sizeof(T));
    }
    /// Component as float, with no scaling (uint8 255 gives 255.0f).
    float valueAt(int x, int y, int c) const;

    /// Crop sharing memory. Throws std::out_of_range if the rectangle leaves the image.
    Image view(int x, int y, int width, int height) const;
    /// Channel subset sharing memory (e.g. channelView(0, 3) is RGB of RGBA).
    Image channelView(int first, int count) const;
    /// Deep copy into a new interleaved, row-padded buffer. Keeps metadata.
    Image copy() const;
    /// Copies pixels of `source` (same size, channels and dtype) into this image.
    void copyPixelsFrom(const Image &source) const;

    /// Bumps the buffer's revision: pixels may have changed (see PixelBuffer).
    void markChanged() const { if (m_buffer) m_buffer->markChanged(); }
    std::uint64_t revision() const { return m_buffer ? m_buffer->revision() : 0; }

    // Descriptive state (travels with the handle, not with the buffer).
    const std::vector<std::string> &channelNames() const { return m_channelNames; }
    void setChannelNames(std::vector<std::string> names);
    /// Index of the alpha channel, or -1 (by name "A"/"alpha", else channel 3 of 4).
    int alphaChannel() const;
    const std::string &path() const { return m_path; }
    void setPath(std::string path) { m_path = std::move(path); }
    /// The component type stored in the file ("float64", "int16"...), when it
    /// differs from dtype(); empty otherwise.
    const std::string &sourceType() const { return m_sourceType; }
    void setSourceType(std::string type) { m_sourceType = std::move(type); }
    bool readOnly() const { return m_readOnly; }
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    Metadata &metadata() { return m_metadata; }
    const Metadata &metadata() const { return m_metadata; }

    /// Default names: Y; Y,A; R,G,B; R,G,B,A; then R,G,B,A,4,5...
    static std::vector<std::string> defaultChannelNames(int channels);

private:
    void checkAccess(DType expected, int x, int y, int c) const;

    PixelBufferPtr m_buffer;
    std::size_t m_offset = 0;
    int m_width = 0;
    int m_height = 0;
    int m_channels = 0;
    DType m_dtype = DType::UInt8;
    std::ptrdiff_t m_xStride = 0;
    std::ptrdiff_t m_yStride = 0;
    std::vector<std::string> m_channelNames;
    std::string m_path;
    std::string m_sourceType;
    bool m_readOnly = false;
    Metadata m_metadata;
};

/// Row stride create() uses: width*channels*componentSize rounded up to 64.
LIVEPIX_API std::size_t paddedRowBytes(int width, int channels, DType type);

} // namespace livepix
