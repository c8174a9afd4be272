#include "viewer/displaylut.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <livepix/autolevels.h>

namespace livepix::gui {

double DisplayLut::srgbEncode(double linear)
{
    return linear <= 0.0031308 ? 12.92 * linear : 1.055 * std::pow(linear, 1.0 / 2.4) - 0.055;
}

double DisplayLut::transfer(double value, const LutParams &p)
{
    if (std::isnan(value))
        return 0.0;
    const double x = value * std::exp2(p.exposure) + p.offset;
    double u = std::clamp((x - p.lo) / (p.hi - p.lo), 0.0, 1.0);
    if (std::isnan(u)) // hi == lo
        u = x >= p.hi ? 1.0 : 0.0;
    if (p.transfer == Transfer::SRGB)
        u = srgbEncode(u);
    return p.gamma == 1.0 ? u : std::pow(u, 1.0 / p.gamma);
}

double DisplayLut::transfer(double value, double exposure, double gamma)
{
    LutParams p;
    p.exposure = exposure;
    p.gamma = gamma;
    return transfer(value, p);
}

SpecialValue DisplayLut::special(float value)
{
    if (std::isnan(value))
        return SpecialValue::NaN;
    if (std::isinf(value))
        return value > 0 ? SpecialValue::PosInf : SpecialValue::NegInf;
    return SpecialValue::None;
}

namespace {

std::uint8_t toByte(double unit)
{
    return static_cast<std::uint8_t>(std::lround(std::clamp(unit, 0.0, 1.0) * 255.0));
}

} // namespace

bool DisplayLut::build(DType type, double exposure, double gamma)
{
    const LevelRange range = fullRange(type);
    LutParams p;
    p.lo = range.lo;
    p.hi = range.hi;
    p.exposure = exposure;
    p.gamma = gamma;
    return build(type, p);
}

bool DisplayLut::build(DType type, const LutParams &params)
{
    if (m_built && type == m_type && params == m_params)
        return false;
    m_type = type;
    m_params = params;
    m_built = true;
    const auto entry = [&params](double v) { return toByte(transfer(v, params)); };
    switch (type) {
    case DType::UInt8:
        m_table.resize(256);
        for (int i = 0; i < 256; ++i)
            m_table[i] = entry(i);
        break;
    case DType::UInt16:
        m_table.resize(65536);
        for (int i = 0; i < 65536; ++i)
            m_table[i] = entry(i);
        break;
    case DType::Float16:
        m_table.resize(65536);
        for (int i = 0; i < 65536; ++i) {
            float16 h;
            h.setBits(static_cast<unsigned short>(i));
            const float f = static_cast<float>(h);
            m_table[i] = std::isinf(f) ? (f > 0 ? 255 : 0) : entry(f);
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
                m_table[i] = entry(f);
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
