#include "livepix/filtertraits.h"

#include <algorithm>
#include <stdexcept>

#include "livepix/filter.h"

namespace livepix {

void checkTraits(const Filter &filter, const FilterTraits &traits)
{
    const auto params = filter.params();
    for (auto it = traits.lengths.begin(); it != traits.lengths.end(); ++it) {
        const auto param =
            std::find_if(params.begin(), params.end(), [&](const FilterParam &p) { return p.name == *it; });
        if (param == params.end() || (param->type != ParamType::Int && param->type != ParamType::Float))
            throw std::invalid_argument("filter '" + filter.name() + "' declares \"" + *it +
                                        "\" a length, but it has no int or float parameter of that name");
        if (std::find(traits.lengths.begin(), it, *it) != it)
            throw std::invalid_argument("filter '" + filter.name() + "' declares the length \"" + *it + "\" twice");
    }
}

} // namespace livepix
