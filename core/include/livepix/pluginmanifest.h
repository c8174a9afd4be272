#pragma once
// PluginManifest: what a plugin declares about itself in its JSON file.
#include <string>
#include <vector>

#include "livepix/dtype.h"
#include "livepix/filterparam.h"
#include "livepix/filtertraits.h"

namespace livepix {

enum class PluginKind { Cpp, Python };
/// "cpp" or "python".
LIVEPIX_API const char *pluginKindName(PluginKind kind);

/// What a manifest says about one filter (for listing without loading).
struct LIVEPIX_API FilterManifest {
    std::string name;
    std::string description;
    std::vector<DType> dtypes;
    std::vector<FilterParam> params;
    /// "pointwise": true, "lengths": ["sigma"] (FilterTraits).
    FilterTraits traits;
};

/// Contents of a plugin manifest: `plugin.json` in the plugin's folder. It is
/// read without running any plugin code. Format (docs/PLUGINS.md):
///   {"name": "invert", "version": "1.0.0", "api_version": 1, "kind": "cpp",
///    "entry": "invert.so", "description": "...",
///    "filters": [{"name": "Invert", "dtypes": ["uint8", ...], "pointwise": true,
///                 "lengths": ["radius"],
///                 "params": [{"name": "amount", "type": "float", "label": "Amount",
///                             "min": 0, "max": 1, "default": 1}]}]}
/// A plain value type.
struct LIVEPIX_API PluginManifest {
    std::string name;
    std::string version;
    int apiVersion = 0;
    PluginKind kind = PluginKind::Cpp;
    std::string entry;       ///< file name relative to the manifest's folder
    std::string description;
    std::vector<FilterManifest> filters;

    std::string manifestPath; ///< where it was read from (absolute)
    std::string folder;       ///< folder of manifestPath

    /// Absolute path of the entry file.
    std::string entryPath() const;

    /// Reads and checks a manifest. Throws std::runtime_error with
    /// "<path>: <reason>" when the file is missing, not JSON, or lacks a field.
    static PluginManifest read(const std::string &path);
    /// Parses JSON text (`path` only names the source in messages).
    static PluginManifest parse(const std::string &jsonText, const std::string &path = "<manifest>");
    /// Serialises back to JSON (used by livepix-plugin-manifest).
    std::string toJson() const;
};

} // namespace livepix
