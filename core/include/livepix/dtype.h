#pragma once
// Pixel component types livepix keeps in memory.
// Threading: everything here is a pure function or a constant; call it from
// any thread.
#include <Imath/half.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "livepix/export.h"

namespace livepix {

/// 16-bit IEEE float, the same type OpenImageIO and OpenEXR use.
using float16 = Imath::half;

/// The four component types livepix stores. Files stored in anything else are
/// converted on load to the nearest of these (see ImageInfo::sourceType).
enum class DType : std::uint8_t { UInt8, UInt16, Float16, Float32 };

/// Bytes per component.
LIVEPIX_API std::size_t byteSize(DType type);
/// NumPy-style name: "uint8", "uint16", "float16", "float32".
LIVEPIX_API const char *dtypeName(DType type);
/// Parses a NumPy-style name (also accepts "u8", "half", "float"...).
/// Throws std::invalid_argument naming the value when it is not a known type.
LIVEPIX_API DType parseDType(std::string_view name);
/// True for Float16 and Float32.
LIVEPIX_API bool isFloat(DType type);

/// Compile-time mapping from a C++ component type to its DType.
template <typename T> struct DTypeOf;
template <> struct DTypeOf<std::uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct DTypeOf<std::uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct DTypeOf<float16> { static constexpr DType value = DType::Float16; };
template <> struct DTypeOf<float> { static constexpr DType value = DType::Float32; };

} // namespace livepix
