#include "livepix/pluginapi.h"

#include <stdexcept>

namespace livepix {

int pluginApiVersion()
{
    return LIVEPIX_PLUGIN_API_VERSION;
}

void PluginRegistrar::addFilter(std::shared_ptr<const Filter> filter)
{
    if (!filter)
        throw std::invalid_argument("PluginRegistrar::addFilter: null filter");
    m_filters.push_back(std::move(filter));
}

} // namespace livepix
