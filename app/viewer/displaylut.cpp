#include "viewer/displaylut.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace livepix::gui {

double DisplayLut::transfer(double value, double exposure, double gamma)
{
    if (std::isnan(value) || value <= 0.0)
        return 0.0;
    const double scaled = std::min(1.0, value * std::exp2(exposure));
    return gamma == 1.0 ? scaled : std::pow(scaled, 1.0 / gamma);
}

namespace {

std::uint8_t toByte(double unit)
{
    return static_cast<std::uint8_t>(std::lround(std::clamp(unit, 0.0, 1.0) * 255.0));
}

} // namespace

bool DisplayLut::build(DType type, double exposure, double gamma)
{
    if (m_built && type == m_type && exposure == m_exposure && gamma == m_gamma)
        return false;
    m_type = type;
    m_exposure = exposure;
    m_gamma = gamma;
    m_built = true;
    switch (type) {
    case DType::UInt8:
        m_table.resize(256);
        for (int i = 0; i < 256; ++i)
            m_table[i] = toByte(transfer(i / 255.0, exposure, gamma));
        break;
    case DType::UInt16:
        m_table.resize(65536);
        for (int i = 0; i < 65536; ++i)
            m_table[i] = toByte(transfer(i / 65535.0, exposure, gamma));
        break;
    case DType::Float16:
        m_table.resize(65536);
        for (int i = 0; i < 65536; ++i) {
            float16 h;
            h.setBits(static_cast<unsigned short>(i));
            const float f = static_cast<float>(h);
            m_table[i] = std::isinf(f) ? (f > 0 ? 255 : 0) : toByte(transfer(f, exposure, gamma));
        }
        break;
    case DType::Float32: {
        const std::uint32_t entries = 1u << (32 - Float32Shift);
        m_table.resize(entries);
        for (std::uint32_t i = 0; i < entries; ++i) {
            // Sample the middle of the bucket of floats that share these bits.
            const std::uint32_t bits = (i << Float32Shift) | (1u << (Float32Shift - 1));
            float f;
            std::memcpy(&f, &bits, sizeof f);
            const bool infinite = ((bits >> 23) & 0xff) == 0xff && (i & ((1u << (23 - Float32Shift)) - 1)) == 0;
            if (infinite)
                m_table[i] = (bits >> 31) ? 0 : 255;
            else
                m_table[i] = toByte(transfer(f, exposure, gamma));
        }
        break;
    }
    }
    return true;
}

std::uint8_t DisplayLut::map(float value) const
{
    switch (m_type) {
    case DType::UInt8:
        return m_table[static_cast<std::uint8_t>(value)];
    case DType::UInt16:
        return m_table[static_cast<std::uint16_t>(value)];
    case DType::Float16:
        return m_table[float16(value).bits()];
    case DType::Float32: {
        std::uint32_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        return m_table[bits >> Float32Shift];
    }
    }
    return 0;
}

} // namespace livepix::gui
