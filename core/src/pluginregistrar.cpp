#include "livepix/pluginapi.h"

#include <stdexcept>

namespace livepix {

int pluginApiVersion()
{
    return LIVEPIX_PLUGIN_API_VERSION;
}

void PluginRegistrar::addFilter(std::shared_ptr<const Filter> filter)
{
    addFilter(std::move(filter), FilterTraits());
}

void PluginRegistrar::addFilter(std::shared_ptr<const Filter> filter, const FilterTraits &traits)
{
    if (!filter)
        throw std::invalid_argument("PluginRegistrar::addFilter: null filter");
    checkTraits(*filter, traits);
    m_filters.push_back(std::move(filter));
    m_traits.push_back(traits);
}

} // namespace livepix
