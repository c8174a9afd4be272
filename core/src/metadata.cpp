#include "livepix/metadata.h"

#include <algorithm>

namespace livepix {

void Metadata::set(const std::string &name, const std::string &value, const std::string &type)
{
    for (auto &entry : m_entries) {
        if (entry.name == name) {
            entry.value = value;
            entry.type = type;
            return;
        }
    }
    m_entries.push_back({name, type, value});
}

std::optional<std::string> Metadata::get(const std::string &name) const
{
    for (const auto &entry : m_entries)
        if (entry.name == name)
            return entry.value;
    return std::nullopt;
}

void Metadata::remove(const std::string &name)
{
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [&](const MetadataEntry &e) { return e.name == name; }),
                    m_entries.end());
}

} // namespace livepix
