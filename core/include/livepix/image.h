#pragma once
// Image: a handle to pixels in a shared PixelBuffer (the core's main type).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "livepix/dtype.h"
#include "livepix/metadata.h"
#include "livepix/pixelbuffer.h"

namespace livepix {

namespace detail {
/// The descriptive state the handles of one Image share (defined in image.cpp).
struct ImageDescriptor;
} // namespace detail

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
/// metadata) belongs to the image, not to the handle: every copy of a handle
/// shares it, so a name or metadata entry set through one handle (say the
/// `viewer.image` a console script holds) is what another handle (the
/// document's, which File > Save writes) reads. view(), channelView() and
/// copy() make new images whose state starts as a copy of the parent's (a
/// channel view keeps the names of its channels; a deep copy starts writable)
/// and then lives on its own: renaming a view's channels leaves the parent's
/// alone.
///
/// Size checks: create(), wrap(), view() and channelView() check every size,
/// stride and offset with the overflow-checked arithmetic of checkedsize.h,
/// so a valid Image only ever addresses bytes inside its buffer, and the
/// products the accessors compute (y * yStride...) cannot overflow.
///
/// Threading: the handle fields (buffer, size, strides) are a plain value: do
/// not assign to one handle from two threads. Different handles may be used
/// from any thread (see PixelBuffer for the rule on the bytes); the buffer's
/// reference count is atomic, so handles may be copied and dropped anywhere.
/// The shared descriptive state is touched from the Python thread and the
/// GUI thread at once, so it sits behind a mutex and its accessors return
/// copies (never references into it): a reader gets a consistent snapshot,
/// and a write through any handle is seen by the next read through any other.
class LIVEPIX_API Image {
public:
    /// An empty (null) image: isNull() is true, no buffer.
    Image() = default;

    /// Allocates a zero-filled, interleaved, row-padded image.
    /// Throws std::invalid_argument for a zero or negative size, channels
    /// outside 1..maxChannels, or a byte count that overflows, naming the
    /// values; std::bad_alloc when the memory is not there.
    /// `memory` Shared puts the pixels in a memfd from the start (for images
    /// handed to another process; see PixelBuffer::allocateShared).
    static Image create(int width, int height, int channels, DType type,
                        PixelMemory memory = PixelMemory::Private);

    /// Wraps existing memory inside `buffer` (used by bindings and tests).
    /// Strides may be negative (bottom-up rows). Throws std::invalid_argument
    /// naming the values if the described pixels do not fit in the buffer or
    /// their extent overflows.
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

    // Descriptive state, shared by every handle of this image (see the class
    // comment). Getters return copies; a null image reads as empty, and
    // setting state on a null image throws std::invalid_argument.
    std::vector<std::string> channelNames() const;
    /// Throws std::invalid_argument unless there is one name per channel.
    void setChannelNames(std::vector<std::string> names);
    /// Index of the alpha channel, or -1 (by name "A"/"alpha", else channel 3 of 4).
    int alphaChannel() const;
    std::string path() const;
    void setPath(std::string path);
    /// The component type stored in the file ("float64", "int16"...), when it
    /// differs from dtype(); empty otherwise.
    std::string sourceType() const;
    void setSourceType(std::string type);
    bool readOnly() const;
    void setReadOnly(bool readOnly);
    /// A snapshot of the metadata. It is const so that
    /// `image.metadata().set(...)`, which would edit only the snapshot, does
    /// not compile: change metadata with the setters below.
    const Metadata metadata() const;
    /// Replaces all metadata.
    void setMetadata(Metadata metadata);
    /// Sets one entry (see Metadata::set), visible through every handle.
    void setMetadataValue(const std::string &name, const std::string &value, const std::string &type = "string");
    /// Removes one entry, if present.
    void removeMetadataValue(const std::string &name);

    /// Default names: Y; Y,A; R,G,B; R,G,B,A; then R,G,B,A,4,5...
    static std::vector<std::string> defaultChannelNames(int channels);

private:
    void checkAccess(DType expected, int x, int y, int c) const;
    /// The shared state, for a setter; throws on a null image.
    detail::ImageDescriptor &descriptorForWrite(const char *what) const;
    /// A new descriptor holding a copy of this image's state.
    std::shared_ptr<detail::ImageDescriptor> cloneDescriptor() const;

    PixelBufferPtr m_buffer;
    std::size_t m_offset = 0;
    int m_width = 0;
    int m_height = 0;
    int m_channels = 0;
    DType m_dtype = DType::UInt8;
    std::ptrdiff_t m_xStride = 0;
    std::ptrdiff_t m_yStride = 0;
    std::shared_ptr<detail::ImageDescriptor> m_descriptor; // null only for a null image
};

/// Row stride create() uses: width*channels*componentSize rounded up to 64.
/// Throws std::invalid_argument for a negative width or channel count, or a
/// row that overflows, naming the values.
LIVEPIX_API std::size_t paddedRowBytes(int width, int channels, DType type);
/// Bytes create() allocates for such an image: paddedRowBytes() * height.
/// Throws std::invalid_argument naming the layout when that overflows (or
/// exceeds PTRDIFF_MAX, the largest offset pointer arithmetic can use).
LIVEPIX_API std::size_t imageByteCount(int width, int height, int channels, DType type);

} // namespace livepix
