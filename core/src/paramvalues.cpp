#include "livepix/paramvalues.h"

#include <stdexcept>

namespace livepix {

const ParamValue &ParamValues::get(const std::string &name) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        throw std::invalid_argument("no value for parameter '" + name + "'");
    return it->second;
}

bool ParamValues::toBool(const std::string &name) const
{
    const ParamValue &v = get(name);
    if (auto b = std::get_if<bool>(&v))
        return *b;
    if (auto i = std::get_if<std::int64_t>(&v))
        return *i != 0;
    throw std::invalid_argument("parameter '" + name + "' is not a bool");
}

std::int64_t ParamValues::toInt(const std::string &name) const
{
    const ParamValue &v = get(name);
    if (auto i = std::get_if<std::int64_t>(&v))
        return *i;
    if (auto d = std::get_if<double>(&v))
        return static_cast<std::int64_t>(*d);
    if (auto b = std::get_if<bool>(&v))
        return *b ? 1 : 0;
    throw std::invalid_argument("parameter '" + name + "' is not a number");
}

double ParamValues::toDouble(const std::string &name) const
{
    const ParamValue &v = get(name);
    if (auto d = std::get_if<double>(&v))
        return *d;
    if (auto i = std::get_if<std::int64_t>(&v))
        return static_cast<double>(*i);
    throw std::invalid_argument("parameter '" + name + "' is not a number");
}

std::string ParamValues::toString(const std::string &name) const
{
    return paramValueText(get(name));
}

ParamValues resolveParams(const std::vector<FilterParam> &declared, const ParamValues &given)
{
    for (const auto &[name, value] : given.values()) {
        bool known = false;
        for (const auto &p : declared)
            known = known || p.name == name;
        if (!known) {
            std::string list;
            for (const auto &p : declared)
                list += (list.empty() ? "" : ", ") + p.name;
            throw std::invalid_argument("unknown parameter '" + name + "' (parameters: " +
                                        (list.empty() ? std::string("none") : list) + ")");
        }
    }
    ParamValues resolved;
    for (const auto &p : declared)
        resolved.set(p.name, p.coerce(given.contains(p.name) ? given.get(p.name) : p.defaultValue));
    return resolved;
}

} // namespace livepix
