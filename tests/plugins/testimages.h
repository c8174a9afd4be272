#pragma once
// Small helpers shared by the plugin tests: dtype-generic pixel writes and
// comparisons (the core's Image::at<T> needs the exact component type).
#include <livepix/image.h>

#include <cstdint>
#include <cstring>

namespace testimages {

inline void setValue(const livepix::Image &image, int x, int y, int c, float value)
{
    switch (image.dtype()) {
    case livepix::DType::UInt8: image.at<std::uint8_t>(x, y, c) = std::uint8_t(value); break;
    case livepix::DType::UInt16: image.at<std::uint16_t>(x, y, c) = std::uint16_t(value); break;
    case livepix::DType::Float16: image.at<livepix::float16>(x, y, c) = livepix::float16(value); break;
    case livepix::DType::Float32: image.at<float>(x, y, c) = value; break;
    }
}

/// The value that means "white" for a dtype (255, 65535, 1.0).
inline float white(livepix::DType type)
{
    switch (type) {
    case livepix::DType::UInt8: return 255.f;
    case livepix::DType::UInt16: return 65535.f;
    default: return 1.f;
    }
}

/// A deterministic gradient-and-noise pattern in [0, white].
inline livepix::Image pattern(int width, int height, int channels, livepix::DType type)
{
    livepix::Image image = livepix::Image::create(width, height, channels, type);
    std::uint32_t state = 12345;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c) {
                state = state * 1664525u + 1013904223u;
                const float fraction = float((state >> 8) % 1000) / 999.f;
                float v = fraction * white(type);
                if (!livepix::isFloat(type))
                    v = float(int(v));
                setValue(image, x, y, c, v);
            }
    return image;
}

/// True when both images hold exactly the same component values.
inline bool samePixels(const livepix::Image &a, const livepix::Image &b)
{
    if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels() || a.dtype() != b.dtype())
        return false;
    const std::size_t pixelBytes = std::size_t(a.channels()) * a.componentSize();
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (std::memcmp(a.pixel(x, y), b.pixel(x, y), pixelBytes) != 0)
                return false;
    return true;
}

} // namespace testimages
