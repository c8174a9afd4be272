#pragma once
// DisplayLut: per-component lookup tables from stored values to 8-bit display values.
#include <cstdint>
#include <vector>

#include <livepix/dtype.h>

namespace livepix::gui {

/// Maps one stored component to an 8-bit display value with one table
/// lookup, so converting a frame costs a load per component instead of a
/// pow() per component.
///
/// Colour transfer: out = 255 * clamp(v * 2^exposure, 0, 1)^(1/gamma), where
/// v is the stored value for float types (NaN and negative values show as 0,
/// +inf as 255) and the value scaled to [0, 1] for integer types (so a
/// 12-bit camera image in uint16 can be brightened by 4 stops).
///
/// Table indices:
///  - float32: the top 18 bits of the IEEE pattern (sign, 8 exponent bits,
///    9 mantissa bits): 2^18 one-byte entries (256 KiB, fits in L2); the
///    relative quantisation error (2^-10) is far below one 8-bit step.
///  - float16: all 16 bits, 65536 entries.
///  - uint16: the value, 65536 entries.  uint8: the value, 256 entries.
///
/// Threading: build() on one thread; lookups (const) from any number of
/// threads once built.
class DisplayLut {
public:
    static constexpr int Float32Shift = 14;

    /// (Re)builds the table when type, exposure or gamma differ from the
    /// current ones; returns true when it rebuilt.
    bool build(DType type, double exposure, double gamma);

    DType type() const { return m_type; }
    double exposure() const { return m_exposure; }
    double gamma() const { return m_gamma; }
    const std::uint8_t *table() const { return m_table.data(); }

    /// Lookup by stored component (for tests and the pixel path).
    std::uint8_t map(float value) const;

    /// The exact transfer (no quantisation) the table samples.
    static double transfer(double value, double exposure, double gamma);

private:
    std::vector<std::uint8_t> m_table;
    DType m_type = DType::UInt8;
    double m_exposure = 0.0;
    double m_gamma = 1.0;
    bool m_built = false;
};

} // namespace livepix::gui
