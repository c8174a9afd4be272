#include "livepix/filterparam.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace livepix {

const char *paramTypeName(ParamType type)
{
    switch (type) {
    case ParamType::Bool: return "bool";
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::Choice: return "choice";
    }
    return "float";
}

ParamType parseParamType(const std::string &name)
{
    if (name == "bool")
        return ParamType::Bool;
    if (name == "int")
        return ParamType::Int;
    if (name == "float")
        return ParamType::Float;
    if (name == "choice")
        return ParamType::Choice;
    throw std::invalid_argument("unknown parameter type '" + name + "' (expected bool, int, float or choice)");
}

std::string paramValueText(const ParamValue &value)
{
    if (auto b = std::get_if<bool>(&value))
        return *b ? "true" : "false";
    if (auto i = std::get_if<std::int64_t>(&value))
        return std::to_string(*i);
    if (auto d = std::get_if<double>(&value)) {
        std::ostringstream out;
        out << *d;
        return out.str();
    }
    return std::get<std::string>(value);
}

FilterParam FilterParam::makeFloat(std::string name, std::string label, double minimum, double maximum,
                                   double defaultValue)
{
    FilterParam p;
    p.name = std::move(name);
    p.label = std::move(label);
    p.type = ParamType::Float;
    p.minimum = minimum;
    p.maximum = maximum;
    p.defaultValue = defaultValue;
    return p;
}

FilterParam FilterParam::makeInt(std::string name, std::string label, std::int64_t minimum, std::int64_t maximum,
                                 std::int64_t defaultValue)
{
    FilterParam p;
    p.name = std::move(name);
    p.label = std::move(label);
    p.type = ParamType::Int;
    p.minimum = static_cast<double>(minimum);
    p.maximum = static_cast<double>(maximum);
    p.defaultValue = defaultValue;
    return p;
}

FilterParam FilterParam::makeBool(std::string name, std::string label, bool defaultValue)
{
    FilterParam p;
    p.name = std::move(name);
    p.label = std::move(label);
    p.type = ParamType::Bool;
    p.minimum = 0;
    p.maximum = 1;
    p.defaultValue = defaultValue;
    return p;
}

FilterParam FilterParam::makeChoice(std::string name, std::string label, std::vector<std::string> choices,
                                    std::string defaultValue)
{
    FilterParam p;
    p.name = std::move(name);
    p.label = std::move(label);
    p.type = ParamType::Choice;
    p.choices = std::move(choices);
    p.defaultValue = std::move(defaultValue);
    return p;
}

namespace {
std::string rangeText(const FilterParam &p)
{
    return "[" + paramValueText(p.type == ParamType::Int ? ParamValue(static_cast<std::int64_t>(p.minimum))
                                                         : ParamValue(p.minimum)) +
           ", " +
           paramValueText(p.type == ParamType::Int ? ParamValue(static_cast<std::int64_t>(p.maximum))
                                                   : ParamValue(p.maximum)) +
           "]";
}
} // namespace

ParamValue FilterParam::coerce(const ParamValue &value) const
{
    const std::string what = "parameter '" + name + "'";
    switch (type) {
    case ParamType::Bool:
        if (auto b = std::get_if<bool>(&value))
            return *b;
        if (auto i = std::get_if<std::int64_t>(&value); i && (*i == 0 || *i == 1))
            return *i == 1;
        throw std::invalid_argument(what + " expects true or false, got " + paramValueText(value));
    case ParamType::Int: {
        std::int64_t v = 0;
        if (auto i = std::get_if<std::int64_t>(&value))
            v = *i;
        else if (auto d = std::get_if<double>(&value); d && std::floor(*d) == *d && std::isfinite(*d))
            v = static_cast<std::int64_t>(*d);
        else
            throw std::invalid_argument(what + " expects an integer, got " + paramValueText(value));
        if (v < minimum || v > maximum)
            throw std::invalid_argument(what + " = " + std::to_string(v) + " is outside " + rangeText(*this));
        return v;
    }
    case ParamType::Float: {
        double v = 0;
        if (auto d = std::get_if<double>(&value))
            v = *d;
        else if (auto i = std::get_if<std::int64_t>(&value))
            v = static_cast<double>(*i);
        else
            throw std::invalid_argument(what + " expects a number, got " + paramValueText(value));
        if (!(v >= minimum && v <= maximum))
            throw std::invalid_argument(what + " = " + paramValueText(v) + " is outside " + rangeText(*this));
        return v;
    }
    case ParamType::Choice: {
        auto s = std::get_if<std::string>(&value);
        if (!s)
            throw std::invalid_argument(what + " expects one of its choices, got " + paramValueText(value));
        for (const auto &c : choices)
            if (c == *s)
                return *s;
        std::string list;
        for (const auto &c : choices)
            list += (list.empty() ? "" : ", ") + c;
        throw std::invalid_argument(what + " = '" + *s + "' is not one of: " + list);
    }
    }
    return value;
}

void FilterParam::validate() const
{
    if (name.empty())
        throw std::invalid_argument("a parameter has no name");
    if ((type == ParamType::Int || type == ParamType::Float) && !(minimum <= maximum))
        throw std::invalid_argument("parameter '" + name + "': minimum is greater than maximum");
    if (type == ParamType::Choice && choices.empty())
        throw std::invalid_argument("parameter '" + name + "': a choice needs at least one choice");
    coerce(defaultValue); // throws when the default is outside the range or not a choice
}

} // namespace livepix
