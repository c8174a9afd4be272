#pragma once
// FilterParam: the declaration of one filter parameter (the app builds the
// parameter dialog from these; scripts pass values by name).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "livepix/export.h"

namespace livepix {

enum class ParamType { Bool, Int, Float, Choice };

/// One parameter value. Int parameters hold std::int64_t, Float hold double,
/// Bool hold bool, Choice hold the chosen std::string.
using ParamValue = std::variant<bool, std::int64_t, double, std::string>;

/// "bool", "int", "float", "choice".
LIVEPIX_API const char *paramTypeName(ParamType type);
/// Parses the names above; throws std::invalid_argument naming the value.
LIVEPIX_API ParamType parseParamType(const std::string &name);
/// Human-readable form of a value ("0.5", "true", "viridis").
LIVEPIX_API std::string paramValueText(const ParamValue &value);

/// Declaration of one parameter: name (the keyword scripts use), type, label
/// (what the dialog shows), range (Int and Float; inclusive), default, and for
/// Choice the list of allowed strings. A plain value type.
struct LIVEPIX_API FilterParam {
    std::string name;
    ParamType type = ParamType::Float;
    std::string label;
    double minimum = 0.0;
    double maximum = 1.0;
    ParamValue defaultValue = 0.0;
    std::vector<std::string> choices;
    std::string description;

    static FilterParam makeFloat(std::string name, std::string label, double minimum, double maximum,
                                 double defaultValue);
    static FilterParam makeInt(std::string name, std::string label, std::int64_t minimum, std::int64_t maximum,
                               std::int64_t defaultValue);
    static FilterParam makeBool(std::string name, std::string label, bool defaultValue);
    static FilterParam makeChoice(std::string name, std::string label, std::vector<std::string> choices,
                                  std::string defaultValue);

    /// The label, or the name when no label was given.
    const std::string &displayLabel() const { return label.empty() ? name : label; }

    /// Converts `value` to this parameter's type (int <-> float <-> bool where
    /// it is exact enough) and checks range and choices. Throws
    /// std::invalid_argument with a message naming the parameter.
    ParamValue coerce(const ParamValue &value) const;

    /// Throws std::invalid_argument when the declaration itself is invalid
    /// (empty name, min > max, default outside the range, unknown choice).
    void validate() const;
};

} // namespace livepix
