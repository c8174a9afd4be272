#pragma once
// PluginCatalog: finds plugins, reads their manifests, loads them, and
// remembers why any was skipped.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "livepix/filterregistry.h"
#include "livepix/pluginapi.h"
#include "livepix/pluginmanifest.h"

namespace livepix {

/// What became of one discovered plugin.
struct LIVEPIX_API PluginRecord {
    enum class State {
        Loaded,      ///< its filters are in the registry
        Skipped,     ///< refused or failed; `reason` says why
        NeedsLoader, ///< a Python plugin and no Python loader is installed yet
    };
    PluginManifest manifest; ///< name may be empty when the manifest was unreadable
    std::string manifestPath;
    State state = State::Skipped;
    std::string reason;
    std::vector<std::string> filters; ///< names registered (Loaded only)
};
LIVEPIX_API const char *pluginStateName(PluginRecord::State state);

/// Discovers plugins in the search folders, in this order:
///   1. every folder in $LIVEPIX_PLUGIN_PATH (':'-separated),
///   2. the user's folder ~/.local/share/livepix/plugins ($XDG_DATA_HOME if set),
///   3. the installed plugin folder: <dir of liblivepix_core>/livepix/plugins
///      (the same relative place in the build tree and in an install).
/// A plugin is a folder holding `plugin.json` (one level below a search
/// folder). The first plugin of a given name wins; later ones are skipped
/// as duplicates.
///
/// C++ plugins are loaded with dlopen (RTLD_NOW | RTLD_LOCAL) after their
/// manifest's api_version matched; then the entry points are looked up and
/// the module's own API version is checked. Modules are never unloaded
/// (their filters' code must stay mapped while anyone holds a filter).
/// Python plugins are loaded by a loader callback that the Python module
/// installs (core cannot run Python); until then they are NeedsLoader.
/// Any failure (manifest, version, missing symbol, exception in
/// registration, Python error) skips that plugin with a reason; the others
/// load normally.
///
/// Threading: thread-safe; members lock one mutex. Loading runs plugin code
/// (registration, Python import) under that lock, so a loader must not call
/// back into the catalog.
class LIVEPIX_API PluginCatalog {
public:
    /// Loads a plugin of a given kind: registers its filters through the
    /// registrar or throws an exception whose what() is the reason to show.
    using Loader = std::function<void(const PluginManifest &, PluginRegistrar &)>;

    explicit PluginCatalog(FilterRegistry &registry = FilterRegistry::instance());
    /// The process-wide catalog (uses FilterRegistry::instance()).
    static PluginCatalog &instance();

    /// The default search folders (see the class comment), existing or not.
    static std::vector<std::string> defaultSearchPaths();
    /// The installed plugin folder next to liblivepix_core.
    static std::string installedPluginFolder();

    std::vector<std::string> searchPaths() const;
    /// Overrides the search folders (tests); empty = defaults.
    void setSearchPaths(std::vector<std::string> paths);

    void setLoader(PluginKind kind, Loader loader);
    bool hasLoader(PluginKind kind) const;

    /// Scans and loads every plugin not loaded yet; retries NeedsLoader ones.
    /// Calling it again is cheap (already loaded plugins are kept).
    void load();
    /// load() the first time; later calls only load plugins that waited for
    /// a loader which has been installed since (cheap otherwise).
    void ensureLoaded();
    /// Scans again: Python plugins are unloaded (their filters removed) and
    /// loaded afresh, so edits take effect; new plugins are loaded; loaded C++
    /// plugins stay as they are (a module cannot be safely replaced in place).
    void reload();

    std::vector<PluginRecord> records() const;

    /// A table for `livepix --list-plugins`: one line per plugin with name,
    /// kind, version, state, and the reason for a skipped one.
    std::string formatList() const;

private:
    void loadLocked(bool reloadPython);
    void loadOne(PluginRecord &record);

    FilterRegistry &m_registry;
    mutable std::mutex m_mutex;
    std::vector<std::string> m_searchPaths;
    std::map<PluginKind, Loader> m_loaders;
    std::vector<PluginRecord> m_records;
    bool m_loadedOnce = false;
};

} // namespace livepix
