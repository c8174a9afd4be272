#include "livepix/dtype.h"

#include <algorithm>
#include <stdexcept>

namespace livepix {

std::size_t byteSize(DType type)
{
    switch (type) {
    case DType::UInt8: return 1;
    case DType::UInt16: return 2;
    case DType::Float16: return 2;
    case DType::Float32: return 4;
    }
    return 1;
}

const char *dtypeName(DType type)
{
    switch (type) {
    case DType::UInt8: return "uint8";
    case DType::UInt16: return "uint16";
    case DType::Float16: return "float16";
    case DType::Float32: return "float32";
    }
    return "uint8";
}

DType parseDType(std::string_view name)
{
    std::string n(name);
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
    if (n == "uint8" || n == "u8" || n == "u1" || n == "|u1" || n == "b")
        return DType::UInt8;
    if (n == "uint16" || n == "u16" || n == "u2" || n == "<u2" || n == "h")
        return DType::UInt16;
    if (n == "float16" || n == "f16" || n == "half" || n == "f2" || n == "<f2" || n == "e")
        return DType::Float16;
    if (n == "float32" || n == "f32" || n == "float" || n == "f4" || n == "<f4" || n == "f")
        return DType::Float32;
    throw std::invalid_argument("unsupported dtype '" + std::string(name) +
                                "' (livepix keeps uint8, uint16, float16 or float32)");
}

bool isFloat(DType type)
{
    return type == DType::Float16 || type == DType::Float32;
}

} // namespace livepix
