#include "livepix/pluginmanifest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace livepix {

namespace fs = std::filesystem;
using nlohmann::json;

const char *pluginKindName(PluginKind kind)
{
    return kind == PluginKind::Python ? "python" : "cpp";
}

std::string PluginManifest::entryPath() const
{
    return (fs::path(folder) / entry).lexically_normal().string();
}

namespace {

[[noreturn]] void fail(const std::string &path, const std::string &reason)
{
    throw std::runtime_error(path + ": " + reason);
}

std::string requireString(const json &object, const char *key, const std::string &where, const std::string &path)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get<std::string>().empty())
        fail(path, where + "needs a non-empty string \"" + key + "\"");
    return it->get<std::string>();
}

std::string optionalString(const json &object, const char *key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ParamValue jsonToValue(const json &value, const std::string &where, const std::string &path)
{
    if (value.is_boolean())
        return value.get<bool>();
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    if (value.is_number())
        return value.get<double>();
    if (value.is_string())
        return value.get<std::string>();
    fail(path, where + "has a value that is not a bool, number or string");
}

FilterParam parseParam(const json &p, const std::string &where, const std::string &path)
{
    if (!p.is_object())
        fail(path, where + "is not an object");
    FilterParam param;
    param.name = requireString(p, "name", where, path);
    const std::string at = where + "(\"" + param.name + "\") ";
    try {
        param.type = parseParamType(requireString(p, "type", at, path));
    } catch (const std::invalid_argument &e) {
        fail(path, at + e.what());
    }
    param.label = optionalString(p, "label");
    param.description = optionalString(p, "description");
    if (p.contains("min"))
        param.minimum = p["min"].get<double>();
    if (p.contains("max"))
        param.maximum = p["max"].get<double>();
    if (param.type == ParamType::Bool) {
        param.minimum = 0;
        param.maximum = 1;
    }
    if (p.contains("choices"))
        param.choices = p["choices"].get<std::vector<std::string>>();
    if (!p.contains("default"))
        fail(path, at + "needs a \"default\"");
    try {
        param.defaultValue = param.coerce(jsonToValue(p["default"], at, path));
        param.validate();
    } catch (const std::invalid_argument &e) {
        fail(path, at + e.what());
    }
    return param;
}

} // namespace

PluginManifest PluginManifest::parse(const std::string &jsonText, const std::string &path)
{
    json root;
    try {
        root = json::parse(jsonText);
    } catch (const json::parse_error &e) {
        fail(path, std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object())
        fail(path, "the manifest is not a JSON object");
    PluginManifest m;
    try {
        m.name = requireString(root, "name", "the manifest ", path);
        m.version = requireString(root, "version", "the manifest ", path);
        if (!root.contains("api_version") || !root["api_version"].is_number_integer())
            fail(path, "the manifest needs an integer \"api_version\"");
        m.apiVersion = root["api_version"].get<int>();
        const std::string kind = requireString(root, "kind", "the manifest ", path);
        if (kind == "cpp")
            m.kind = PluginKind::Cpp;
        else if (kind == "python")
            m.kind = PluginKind::Python;
        else
            fail(path, "unknown plugin kind \"" + kind + "\" (expected \"cpp\" or \"python\")");
        m.entry = requireString(root, "entry", "the manifest ", path);
        m.description = optionalString(root, "description");
        if (root.contains("filters")) {
            if (!root["filters"].is_array())
                fail(path, "\"filters\" is not a list");
            for (const auto &f : root["filters"]) {
                FilterManifest fm;
                fm.name = requireString(f, "name", "a filter ", path);
                fm.description = optionalString(f, "description");
                if (f.contains("dtypes"))
                    for (const auto &t : f["dtypes"])
                        fm.dtypes.push_back(parseDType(t.get<std::string>()));
                if (f.contains("params"))
                    for (const auto &p : f["params"])
                        fm.params.push_back(parseParam(p, "a parameter of filter \"" + fm.name + "\" ", path));
                if (f.contains("pointwise")) {
                    if (!f["pointwise"].is_boolean())
                        fail(path, "filter \"" + fm.name + "\" has a \"pointwise\" that is not true or false");
                    fm.traits.pointwise = f["pointwise"].get<bool>();
                }
                if (f.contains("lengths")) {
                    const auto &lengths = f["lengths"];
                    if (!lengths.is_array() ||
                        !std::all_of(lengths.begin(), lengths.end(), [](const json &n) { return n.is_string(); }))
                        fail(path, "filter \"" + fm.name + "\" has \"lengths\" that are not a list of parameter names");
                    for (const auto &n : lengths)
                        fm.traits.lengths.push_back(n.get<std::string>());
                }
                m.filters.push_back(std::move(fm));
            }
        }
    } catch (const json::exception &e) {
        fail(path, std::string("unexpected manifest content: ") + e.what());
    } catch (const std::invalid_argument &e) {
        fail(path, e.what());
    }
    m.manifestPath = path;
    m.folder = fs::path(path).parent_path().string();
    return m;
}

PluginManifest PluginManifest::read(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot read the manifest");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string absolute = fs::absolute(fs::path(path)).lexically_normal().string();
    return parse(text.str(), absolute);
}

std::string PluginManifest::toJson() const
{
    nlohmann::ordered_json root;
    root["name"] = name;
    root["version"] = version;
    root["api_version"] = apiVersion;
    root["kind"] = pluginKindName(kind);
    root["entry"] = entry;
    if (!description.empty())
        root["description"] = description;
    root["filters"] = nlohmann::ordered_json::array();
    for (const auto &f : filters) {
        nlohmann::ordered_json jf;
        jf["name"] = f.name;
        if (!f.description.empty())
            jf["description"] = f.description;
        jf["dtypes"] = nlohmann::ordered_json::array();
        for (DType t : f.dtypes)
            jf["dtypes"].push_back(dtypeName(t));
        if (f.traits.pointwise)
            jf["pointwise"] = true;
        if (!f.traits.lengths.empty())
            jf["lengths"] = f.traits.lengths;
        jf["params"] = nlohmann::ordered_json::array();
        for (const auto &p : f.params) {
            nlohmann::ordered_json jp;
            jp["name"] = p.name;
            jp["type"] = paramTypeName(p.type);
            if (!p.label.empty())
                jp["label"] = p.label;
            if (!p.description.empty())
                jp["description"] = p.description;
            if (p.type == ParamType::Int || p.type == ParamType::Float) {
                jp["min"] = p.type == ParamType::Int ? nlohmann::ordered_json(static_cast<std::int64_t>(p.minimum)) : nlohmann::ordered_json(p.minimum);
                jp["max"] = p.type == ParamType::Int ? nlohmann::ordered_json(static_cast<std::int64_t>(p.maximum)) : nlohmann::ordered_json(p.maximum);
            }
            if (p.type == ParamType::Choice)
                jp["choices"] = p.choices;
            jp["default"] = std::visit([](const auto &v) { return nlohmann::ordered_json(v); }, p.defaultValue);
            jf["params"].push_back(jp);
        }
        root["filters"].push_back(jf);
    }
    return root.dump(2) + "\n";
}

} // namespace livepix
