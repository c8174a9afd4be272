#include "viewer/qimagewrap.h"

#include <cstdint>
#include <memory>

namespace livepix::gui {

QImage::Format wrappableFormat(const Image &image)
{
    if (image.isNull() || !image.isInterleaved() || image.yStride() <= 0)
        return QImage::Format_Invalid;
    // Qt documents 32-bit alignment for external data and each scanline.
    if (reinterpret_cast<std::uintptr_t>(image.data()) % 4 != 0 || image.yStride() % 4 != 0)
        return QImage::Format_Invalid;
    const int channels = image.channels();
    switch (image.dtype()) {
    case DType::UInt8:
        if (channels == 1)
            return QImage::Format_Grayscale8;
        if (channels == 3)
            return QImage::Format_RGB888;
        if (channels == 4)
            return QImage::Format_RGBA8888;
        break;
    case DType::UInt16:
        if (channels == 1)
            return QImage::Format_Grayscale16;
        if (channels == 4)
            return QImage::Format_RGBA64;
        break;
    case DType::Float16:
        if (channels == 4)
            return QImage::Format_RGBA16FPx4;
        break;
    case DType::Float32:
        if (channels == 4)
            return QImage::Format_RGBA32FPx4;
        break;
    }
    return QImage::Format_Invalid;
}

QImage wrapImage(const Image &image)
{
    const QImage::Format format = wrappableFormat(image);
    if (format == QImage::Format_Invalid)
        return {};
    // The cleanup function gets a heap-allocated buffer reference; Qt calls it
    // when the last QImage sharing this data goes away.
    auto *keepAlive = new PixelBufferPtr(image.buffer());
    QImage result(image.data(), image.width(), image.height(), static_cast<qsizetype>(image.yStride()), format,
                  [](void *info) { delete static_cast<PixelBufferPtr *>(info); }, keepAlive);
    if (result.isNull()) {
        // Qt does not call the cleanup function for a null image.
        delete keepAlive;
        return {};
    }
    return result;
}

} // namespace livepix::gui
