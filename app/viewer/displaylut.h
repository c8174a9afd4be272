#pragma once
// DisplayLut: per-component lookup tables from stored values to 8-bit display values.
#include <cstdint>
#include <vector>

#include <livepix/dtype.h>

namespace livepix::gui {

/// The per-component transfer a DisplayLut samples (see DisplayLut).
enum class Transfer { Gamma, SRGB };

struct LutParams {
    double lo = 0.0;       // black point, stored units
    double hi = 1.0;       // white point, stored units (hi > lo)
    double exposure = 0.0; // stops
    double offset = 0.0;   // added after exposure, stored units
    double gamma = 1.0;
    Transfer transfer = Transfer::Gamma;
    bool operator==(const LutParams &o) const
    {
        return lo == o.lo && hi == o.hi && exposure == o.exposure && offset == o.offset && gamma == o.gamma &&
               transfer == o.transfer;
    }
};

/// NaN and infinities: drawn in fixed colours instead of through the table.
enum class SpecialValue { None, NaN, PosInf, NegInf };

/// Maps one stored component to an 8-bit display value with one table
/// lookup, so converting a frame costs a load per component instead of a
/// pow() per component.
///
/// Transfer (v the stored value: raw uint16 counts, raw floats):
///   u    = clamp((v * 2^exposure + offset - lo) / (hi - lo), 0, 1)
///   byte = round(255 * T(u) ^ (1 / gamma)),  T = identity or the sRGB OETF
/// With exposure 0 and offset 0 this is the documented levels rule
/// round(255 * clamp((v - lo)/(hi - lo), 0, 1)^(1/gamma)). NaN and +-Inf are
/// not mapped by the table (the pipeline draws them in special colours);
/// map() gives 0 for NaN and -Inf and 255 for +Inf.
///
/// Table indices:
///  - float32: the top 18 bits of the IEEE pattern (sign, 8 exponent bits,
///    9 mantissa bits): 2^18 one-byte entries (256 KiB, fits in L2); the
///    relative quantisation error (2^-10 of the value) is far below one
///    8-bit step unless the levels span less than about 1/256 of their
///    magnitude (e.g. 1000..1001), where neighbouring steps merge.
///  - float16: all 16 bits, 65536 entries.
///  - uint16: the value, 65536 entries.  uint8: the value, 256 entries.
///
/// Threading: build() on one thread; lookups (const) from any number of
/// threads once built.
class DisplayLut {
public:
    static constexpr int Float32Shift = 14;

    /// (Re)builds the table when type or parameters differ from the current
    /// ones; returns true when it rebuilt.
    bool build(DType type, const LutParams &params);
    /// The full range of the type (livepix::fullRange) as levels, with
    /// `exposure` and `gamma`: integers scaled to [0, 1], floats as stored.
    bool build(DType type, double exposure, double gamma);

    DType type() const { return m_type; }
    const LutParams &params() const { return m_params; }
    double exposure() const { return m_params.exposure; }
    double gamma() const { return m_params.gamma; }
    const std::uint8_t *table() const { return m_table.data(); }

    /// Lookup by stored component (for tests and the pixel path).
    std::uint8_t map(float value) const;

    /// The exact transfer (no quantisation) the table samples, in [0, 1].
    static double transfer(double value, const LutParams &params);
    /// The old exposure/gamma transfer on full-range floats (levels 0..1).
    static double transfer(double value, double exposure, double gamma);
    /// The sRGB opto-electronic transfer (IEC 61966-2-1) of a linear value in [0, 1].
    static double srgbEncode(double linear);
    static SpecialValue special(float value);

private:
    std::vector<std::uint8_t> m_table;
    DType m_type = DType::UInt8;
    LutParams m_params;
    bool m_built = false;
};

} // namespace livepix::gui
