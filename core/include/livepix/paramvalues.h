#pragma once
// ParamValues: the values of a filter's parameters for one run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "livepix/filterparam.h"

namespace livepix {

/// Parameter values by name. A plain value type, copied into each run.
/// Typed getters convert like FilterParam::coerce does and throw
/// std::invalid_argument naming the parameter when it is missing.
class LIVEPIX_API ParamValues {
public:
    void set(const std::string &name, ParamValue value) { m_values[name] = std::move(value); }
    bool contains(const std::string &name) const { return m_values.count(name) != 0; }
    const ParamValue &get(const std::string &name) const;

    bool toBool(const std::string &name) const;
    std::int64_t toInt(const std::string &name) const;
    double toDouble(const std::string &name) const;
    std::string toString(const std::string &name) const;

    const std::map<std::string, ParamValue> &values() const { return m_values; }
    bool empty() const { return m_values.empty(); }

private:
    std::map<std::string, ParamValue> m_values;
};

/// The values a filter will see: every declared parameter, taken from `given`
/// (converted and range-checked) or its default. Throws std::invalid_argument
/// for an unknown name (listing the known ones) or a value out of range.
LIVEPIX_API ParamValues resolveParams(const std::vector<FilterParam> &declared, const ParamValues &given);

} // namespace livepix
