#include "livepix/image.h"

#include <algorithm>
#include <cstring>

namespace livepix {

std::size_t paddedRowBytes(int width, int channels, DType type)
{
    const std::size_t bytes = static_cast<std::size_t>(width) * channels * byteSize(type);
    return (bytes + PixelBuffer::Alignment - 1) / PixelBuffer::Alignment * PixelBuffer::Alignment;
}

Image Image::create(int width, int height, int channels, DType type)
{
    if (width <= 0 || height <= 0)
        throw std::invalid_argument("image size must be positive, got " + std::to_string(width) + "x" +
                                    std::to_string(height));
    if (channels < 1 || channels > maxChannels)
        throw std::invalid_argument("channels must be 1.." + std::to_string(maxChannels) + ", got " +
                                    std::to_string(channels));
    const std::size_t rowBytes = paddedRowBytes(width, channels, type);
    Image image;
    image.m_buffer = PixelBuffer::allocate(rowBytes * static_cast<std::size_t>(height));
    image.m_width = width;
    image.m_height = height;
    image.m_channels = channels;
    image.m_dtype = type;
    image.m_xStride = static_cast<std::ptrdiff_t>(channels * byteSize(type));
    image.m_yStride = static_cast<std::ptrdiff_t>(rowBytes);
    image.m_channelNames = defaultChannelNames(channels);
    return image;
}

Image Image::wrap(PixelBufferPtr buffer, std::size_t offset, int width, int height, int channels, DType type,
                  std::ptrdiff_t xStride, std::ptrdiff_t yStride)
{
    if (!buffer)
        throw std::invalid_argument("Image::wrap: null buffer");
    if (width <= 0 || height <= 0 || channels < 1 || channels > maxChannels)
        throw std::invalid_argument("Image::wrap: invalid size or channel count");
    // Check that the lowest and highest byte touched both lie inside the buffer.
    const std::ptrdiff_t lastX = static_cast<std::ptrdiff_t>(width - 1) * xStride;
    const std::ptrdiff_t lastY = static_cast<std::ptrdiff_t>(height - 1) * yStride;
    const std::ptrdiff_t lo = std::min<std::ptrdiff_t>(0, lastX) + std::min<std::ptrdiff_t>(0, lastY);
    const std::ptrdiff_t hi = std::max<std::ptrdiff_t>(0, lastX) + std::max<std::ptrdiff_t>(0, lastY) +
                              static_cast<std::ptrdiff_t>(channels * byteSize(type));
    if (static_cast<std::ptrdiff_t>(offset) + lo < 0 ||
        static_cast<std::ptrdiff_t>(offset) + hi > static_cast<std::ptrdiff_t>(buffer->size()))
        throw std::invalid_argument("Image::wrap: pixels do not fit in the buffer");
    Image image;
    image.m_buffer = std::move(buffer);
    image.m_offset = offset;
    image.m_width = width;
    image.m_height = height;
    image.m_channels = channels;
    image.m_dtype = type;
    image.m_xStride = xStride;
    image.m_yStride = yStride;
    image.m_channelNames = defaultChannelNames(channels);
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
    if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > m_width || y + height > m_height)
        throw std::out_of_range("view (" + std::to_string(x) + ", " + std::to_string(y) + ", " +
                                std::to_string(width) + ", " + std::to_string(height) + ") is outside the " +
                                std::to_string(m_width) + "x" + std::to_string(m_height) + " image");
    Image result = *this;
    result.m_offset = m_offset + static_cast<std::size_t>(y * m_yStride + x * m_xStride);
    result.m_width = width;
    result.m_height = height;
    return result;
}

Image Image::channelView(int first, int count) const
{
    if (first < 0 || count <= 0 || first + count > m_channels)
        throw std::out_of_range("channels " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
                                " are outside the image's " + std::to_string(m_channels) + " channels");
    Image result = *this;
    result.m_offset = m_offset + static_cast<std::size_t>(first) * componentSize();
    result.m_channels = count;
    result.m_channelNames.assign(m_channelNames.begin() + first, m_channelNames.begin() + first + count);
    return result;
}

void Image::copyPixelsFrom(const Image &source) const
{
    if (source.m_width != m_width || source.m_height != m_height || source.m_channels != m_channels ||
        source.m_dtype != m_dtype)
        throw std::invalid_argument("copyPixelsFrom: images differ in size, channels or dtype");
    const std::size_t pixelBytes = static_cast<std::size_t>(m_channels) * componentSize();
    for (int y = 0; y < m_height; ++y) {
        const std::uint8_t *src = source.row(y);
        std::uint8_t *dst = row(y);
        if (isInterleaved() && source.isInterleaved()) {
            std::memmove(dst, src, pixelBytes * static_cast<std::size_t>(m_width));
            continue;
        }
        for (int x = 0; x < m_width; ++x)
            std::memmove(dst + x * m_xStride, src + x * source.m_xStride, pixelBytes);
    }
}

Image Image::copy() const
{
    if (isNull())
        return {};
    Image result = create(m_width, m_height, m_channels, m_dtype);
    result.copyPixelsFrom(*this);
    result.m_channelNames = m_channelNames;
    result.m_path = m_path;
    result.m_sourceType = m_sourceType;
    result.m_metadata = m_metadata;
    return result;
}

void Image::setChannelNames(std::vector<std::string> names)
{
    if (static_cast<int>(names.size()) != m_channels)
        throw std::invalid_argument("expected " + std::to_string(m_channels) + " channel names, got " +
                                    std::to_string(names.size()));
    m_channelNames = std::move(names);
}

int Image::alphaChannel() const
{
    for (int c = 0; c < static_cast<int>(m_channelNames.size()); ++c) {
        std::string n = m_channelNames[c];
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
