#include "livepix/colormap.h"

#include <cctype>
#include <cmath>

#include "colormapdata.h"

namespace livepix {

namespace {

Colormap fromTable(std::string_view name, const double (&table)[256][3], bool diverging = false)
{
    Colormap map{name, diverging, {}};
    for (std::size_t i = 0; i < 256; ++i)
        for (std::size_t k = 0; k < 3; ++k)
            map.rgb[i][k] = static_cast<std::uint8_t>(std::lround(table[i][k] * 255.0));
    return map;
}

Colormap gray()
{
    Colormap map{"gray", false, {}};
    for (std::size_t i = 0; i < 256; ++i)
        map.rgb[i] = {std::uint8_t(i), std::uint8_t(i), std::uint8_t(i)};
    return map;
}

bool sameName(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

const std::vector<const Colormap *> &colormaps()
{
    // Built once, on first use (thread-safe static initialisation), never freed.
    static const Colormap maps[] = {
        gray(),
        fromTable("viridis", detail::viridisTable),
        fromTable("magma", detail::magmaTable),
        fromTable("inferno", detail::infernoTable),
        fromTable("plasma", detail::plasmaTable),
        fromTable("cividis", detail::cividisTable),
        fromTable("turbo", detail::turboTable),
        fromTable("coolwarm", detail::coolwarmTable, true),
    };
    static const std::vector<const Colormap *> list = [] {
        std::vector<const Colormap *> l;
        for (const Colormap &map : maps)
            l.push_back(&map);
        return l;
    }();
    return list;
}

const Colormap *findColormap(std::string_view name)
{
    for (const Colormap *map : colormaps())
        if (sameName(map->name, name))
            return map;
    return nullptr;
}

} // namespace livepix
