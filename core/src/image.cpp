#include "livepix/image.h"

#include "livepix/checkedsize.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "pixelrow.h"

namespace livepix {

/// The descriptive state every handle of one image shares (see image.h).
struct detail::ImageDescriptor {
    mutable std::mutex mutex; // guards everything below
    std::vector<std::string> channelNames;
    std::string path;
    std::string sourceType;
    bool readOnly = false;
    Metadata metadata;
};

using Descriptor = detail::ImageDescriptor;

namespace {

std::string describeLayout(std::int64_t width, std::int64_t height, std::int64_t channels, DType type)
{
    return std::to_string(width) + "x" + std::to_string(height) + " image with " + std::to_string(channels) + " " +
           dtypeName(type) + (channels == 1 ? " channel" : " channels");
}

// A copy of one field, taken under the lock: a reference into the shared
// state could tear or dangle while another thread sets it. A null image
// reads as empty.
template <typename T>
T readState(const std::shared_ptr<Descriptor> &descriptor, T Descriptor::*field)
{
    if (!descriptor)
        return T{};
    std::lock_guard<std::mutex> lock(descriptor->mutex);
    return (*descriptor).*field;
}

std::shared_ptr<Descriptor> newDescriptor(int channels)
{
    auto descriptor = std::make_shared<Descriptor>();
    descriptor->channelNames = Image::defaultChannelNames(channels);
    return descriptor;
}

} // namespace

std::size_t paddedRowBytes(int width, int channels, DType type)
{
    if (width < 0 || channels < 0)
        throw std::invalid_argument("sizes must not be negative, got a row " + std::to_string(width) +
                                    " pixels wide with " + std::to_string(channels) + " channels");
    constexpr std::string_view what = "bytes per row (width * channels * bytes per component)";
    const std::size_t bytes = checkedMul(checkedMul(std::size_t(width), std::size_t(channels), what),
                                         byteSize(type), what);
    const std::size_t padded = checkedAdd(bytes, PixelBuffer::Alignment - 1, "bytes per row, padded to 64");
    return padded / PixelBuffer::Alignment * PixelBuffer::Alignment;
}

std::size_t imageByteCount(int width, int height, int channels, DType type)
{
    if (width < 0 || height < 0 || channels < 0)
        throw std::invalid_argument("sizes must not be negative, got a " +
                                    describeLayout(width, height, channels, type));
    try {
        const std::size_t bytes =
            checkedMul(paddedRowBytes(width, channels, type), std::size_t(height), "bytes per row * height");
        checkedSigned(bytes, "byte count"); // offsets into the buffer are std::ptrdiff_t
        return bytes;
    } catch (const std::invalid_argument &e) {
        throw std::invalid_argument("a " + describeLayout(width, height, channels, type) + " is too large: " +
                                    e.what());
    }
}

Image Image::create(int width, int height, int channels, DType type, PixelMemory memory)
{
    if (width <= 0 || height <= 0)
        throw std::invalid_argument("image size must be positive, got " + std::to_string(width) + "x" +
                                    std::to_string(height));
    if (channels < 1 || channels > maxChannels)
        throw std::invalid_argument("channels must be 1.." + std::to_string(maxChannels) + ", got " +
                                    std::to_string(channels));
    const std::size_t bytes = imageByteCount(width, height, channels, type);
    Image image;
    image.m_buffer =
        memory == PixelMemory::Shared ? PixelBuffer::allocateShared(bytes) : PixelBuffer::allocate(bytes);
    image.m_width = width;
    image.m_height = height;
    image.m_channels = channels;
    image.m_dtype = type;
    image.m_xStride = static_cast<std::ptrdiff_t>(std::size_t(channels) * byteSize(type));
    image.m_yStride = static_cast<std::ptrdiff_t>(paddedRowBytes(width, channels, type));
    image.m_descriptor = newDescriptor(channels);
    return image;
}

Image Image::wrap(PixelBufferPtr buffer, std::size_t offset, int width, int height, int channels, DType type,
                  std::ptrdiff_t xStride, std::ptrdiff_t yStride)
{
    if (!buffer)
        throw std::invalid_argument("Image::wrap: null buffer");
    if (width <= 0 || height <= 0 || channels < 1 || channels > maxChannels)
        throw std::invalid_argument("Image::wrap: invalid size or channel count: " +
                                    describeLayout(width, height, channels, type));
    // The lowest and highest byte the pixels touch, relative to pixel (0, 0),
    // must both lie inside the buffer. Each product and sum is checked: a
    // huge stride must not wrap around to a small, harmless-looking extent.
    const std::ptrdiff_t lastX = checkedMul(std::ptrdiff_t(width - 1), xStride, "Image::wrap: (width - 1) * xStride");
    const std::ptrdiff_t lastY = checkedMul(std::ptrdiff_t(height - 1), yStride, "Image::wrap: (height - 1) * yStride");
    const std::ptrdiff_t lo = checkedAdd(std::min<std::ptrdiff_t>(0, lastX), std::min<std::ptrdiff_t>(0, lastY),
                                         "Image::wrap: lowest byte");
    const std::ptrdiff_t hi = checkedAdd(checkedAdd(std::max<std::ptrdiff_t>(0, lastX),
                                                    std::max<std::ptrdiff_t>(0, lastY), "Image::wrap: highest byte"),
                                         std::ptrdiff_t(std::size_t(channels) * byteSize(type)),
                                         "Image::wrap: end of the last pixel");
    const std::ptrdiff_t start = checkedSigned(offset, "Image::wrap: offset");
    const std::ptrdiff_t first = checkedAdd(start, lo, "Image::wrap: offset + lowest byte");
    const std::ptrdiff_t end = checkedAdd(start, hi, "Image::wrap: offset + end of the last pixel");
    if (first < 0 || end > checkedSigned(buffer->size(), "Image::wrap: buffer size"))
        throw std::invalid_argument("Image::wrap: a " + describeLayout(width, height, channels, type) +
                                    " with strides (" + std::to_string(xStride) + ", " + std::to_string(yStride) +
                                    ") at offset " + std::to_string(offset) + " spans bytes " +
                                    std::to_string(first) + ".." + std::to_string(end) + ", outside the buffer's " +
                                    std::to_string(buffer->size()) + " bytes");
    Image image;
    image.m_buffer = std::move(buffer);
    image.m_offset = offset;
    image.m_width = width;
    image.m_height = height;
    image.m_channels = channels;
    image.m_dtype = type;
    image.m_xStride = xStride;
    image.m_yStride = yStride;
    image.m_descriptor = newDescriptor(channels);
    return image;
}

bool Image::isInterleaved() const
{
    return m_xStride == static_cast<std::ptrdiff_t>(m_channels * componentSize());
}

bool Image::isContiguous() const
{
    return isInterleaved() && m_yStride == m_xStride * m_width;
}

void Image::checkAccess(DType expected, int x, int y, int c) const
{
    if (isNull())
        throw std::invalid_argument("pixel access on a null image");
    if (expected != m_dtype)
        throw std::invalid_argument(std::string("pixel access as ") + dtypeName(expected) + " on a " +
                                    dtypeName(m_dtype) + " image");
    if (x < 0 || y < 0 || c < 0 || x >= m_width || y >= m_height || c >= m_channels)
        throw std::out_of_range("pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") channel " +
                                std::to_string(c) + " is outside the " + std::to_string(m_width) + "x" +
                                std::to_string(m_height) + "x" + std::to_string(m_channels) + " image");
}

float Image::valueAt(int x, int y, int c) const
{
    switch (m_dtype) {
    case DType::UInt8: return at<std::uint8_t>(x, y, c);
    case DType::UInt16: return at<std::uint16_t>(x, y, c);
    case DType::Float16: return at<float16>(x, y, c);
    case DType::Float32: return at<float>(x, y, c);
    }
    return 0.f;
}

Image Image::view(int x, int y, int width, int height) const
{
    // In 64 bits: x + width may be more than INT_MAX.
    if (x < 0 || y < 0 || width <= 0 || height <= 0 || std::int64_t(x) + width > m_width ||
        std::int64_t(y) + height > m_height)
        throw std::out_of_range("view (" + std::to_string(x) + ", " + std::to_string(y) + ", " +
                                std::to_string(width) + ", " + std::to_string(height) + ") is outside the " +
                                std::to_string(m_width) + "x" + std::to_string(m_height) + " image");
    Image result = *this;
    const std::ptrdiff_t delta = checkedAdd(checkedMul(std::ptrdiff_t(y), m_yStride, "view: y * yStride"),
                                            checkedMul(std::ptrdiff_t(x), m_xStride, "view: x * xStride"),
                                            "view: offset of its first pixel");
    result.m_offset = std::size_t(checkedAdd(checkedSigned(m_offset, "view: offset"), delta, "view: offset"));
    result.m_width = width;
    result.m_height = height;
    result.m_descriptor = cloneDescriptor();
    return result;
}

Image Image::channelView(int first, int count) const
{
    if (first < 0 || count <= 0 || std::int64_t(first) + count > m_channels)
        throw std::out_of_range("channels " + std::to_string(first) + ".." +
                                std::to_string(std::int64_t(first) + count - 1) + " are outside the image's " +
                                std::to_string(m_channels) + " channels");
    Image result = *this;
    result.m_offset = checkedAdd(m_offset, std::size_t(first) * componentSize(), "channelView: offset");
    result.m_channels = count;
    result.m_descriptor = cloneDescriptor();
    auto &names = result.m_descriptor->channelNames; // not shared yet: no lock needed
    names = std::vector<std::string>(names.begin() + first, names.begin() + first + count);
    return result;
}

void Image::copyPixelsFrom(const Image &source) const
{
    if (source.m_width != m_width || source.m_height != m_height || source.m_channels != m_channels ||
        source.m_dtype != m_dtype)
        throw std::invalid_argument("copyPixelsFrom: images differ in size, channels or dtype");
    const std::size_t pixelBytes = static_cast<std::size_t>(m_channels) * componentSize();
    for (int y = 0; y < m_height; ++y)
        detail::copyPixelRow(row(y), m_xStride, source.row(y), source.m_xStride, m_width, pixelBytes);
}

Image Image::copy() const
{
    if (isNull())
        return {};
    Image result = create(m_width, m_height, m_channels, m_dtype);
    result.copyPixelsFrom(*this);
    result.m_descriptor = cloneDescriptor();
    result.m_descriptor->readOnly = false; // new pixels of the caller's own
    return result;
}

std::shared_ptr<Descriptor> Image::cloneDescriptor() const
{
    auto clone = std::make_shared<Descriptor>();
    if (!m_descriptor)
        return clone;
    std::lock_guard<std::mutex> lock(m_descriptor->mutex);
    clone->channelNames = m_descriptor->channelNames;
    clone->path = m_descriptor->path;
    clone->sourceType = m_descriptor->sourceType;
    clone->readOnly = m_descriptor->readOnly;
    clone->metadata = m_descriptor->metadata;
    return clone;
}

Descriptor &Image::descriptorForWrite(const char *what) const
{
    if (!m_descriptor)
        throw std::invalid_argument(std::string(what) + " on a null image");
    return *m_descriptor;
}

std::vector<std::string> Image::channelNames() const { return readState(m_descriptor, &Descriptor::channelNames); }
std::string Image::path() const { return readState(m_descriptor, &Descriptor::path); }
std::string Image::sourceType() const { return readState(m_descriptor, &Descriptor::sourceType); }
bool Image::readOnly() const { return readState(m_descriptor, &Descriptor::readOnly); }
const Metadata Image::metadata() const { return readState(m_descriptor, &Descriptor::metadata); }

void Image::setChannelNames(std::vector<std::string> names)
{
    Descriptor &d = descriptorForWrite("setChannelNames");
    if (static_cast<int>(names.size()) != m_channels)
        throw std::invalid_argument("expected " + std::to_string(m_channels) + " channel names, got " +
                                    std::to_string(names.size()));
    std::lock_guard<std::mutex> lock(d.mutex);
    d.channelNames = std::move(names);
}

void Image::setPath(std::string path)
{
    Descriptor &d = descriptorForWrite("setPath");
    std::lock_guard<std::mutex> lock(d.mutex);
    d.path = std::move(path);
}

void Image::setSourceType(std::string type)
{
    Descriptor &d = descriptorForWrite("setSourceType");
    std::lock_guard<std::mutex> lock(d.mutex);
    d.sourceType = std::move(type);
}

void Image::setReadOnly(bool readOnly)
{
    Descriptor &d = descriptorForWrite("setReadOnly");
    std::lock_guard<std::mutex> lock(d.mutex);
    d.readOnly = readOnly;
}

void Image::setMetadata(Metadata metadata)
{
    Descriptor &d = descriptorForWrite("setMetadata");
    std::lock_guard<std::mutex> lock(d.mutex);
    d.metadata = std::move(metadata);
}

void Image::setMetadataValue(const std::string &name, const std::string &value, const std::string &type)
{
    Descriptor &d = descriptorForWrite("setMetadataValue");
    std::lock_guard<std::mutex> lock(d.mutex);
    d.metadata.set(name, value, type);
}

void Image::removeMetadataValue(const std::string &name)
{
    Descriptor &d = descriptorForWrite("removeMetadataValue");
    std::lock_guard<std::mutex> lock(d.mutex);
    d.metadata.remove(name);
}

int Image::alphaChannel() const
{
    const std::vector<std::string> names = channelNames();
    for (int c = 0; c < static_cast<int>(names.size()); ++c) {
        std::string n = names[c];
        std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (n == "a" || n == "alpha")
            return c;
    }
    return -1;
}

std::vector<std::string> Image::defaultChannelNames(int channels)
{
    static const char *const four[] = {"R", "G", "B", "A"};
    if (channels == 1)
        return {"Y"};
    if (channels == 2)
        return {"Y", "A"};
    std::vector<std::string> names;
    for (int c = 0; c < channels; ++c)
        names.push_back(c < 4 ? four[c] : std::to_string(c));
    return names;
}

} // namespace livepix
