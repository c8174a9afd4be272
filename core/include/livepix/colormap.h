#pragma once
// Colormaps: named 256-entry RGB tables compiled in.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "livepix/export.h"

namespace livepix {

/// One colormap: 256 sRGB-encoded RGB8 entries, index 0 for the low level,
/// 255 for the high level. Tables are data compiled in; colormap.cpp names
/// each table's source and licence.
struct Colormap {
    std::string_view name;        // "gray", "viridis", "magma", "inferno", "plasma", "cividis", "turbo", "coolwarm"
    bool diverging = false;       // meant for signed data with symmetric limits
    std::array<std::array<std::uint8_t, 3>, 256> rgb;
};

/// All colormaps, in menu order.
LIVEPIX_API const std::vector<const Colormap *> &colormaps();
/// By name (case-insensitive); nullptr when unknown.
LIVEPIX_API const Colormap *findColormap(std::string_view name);

} // namespace livepix
