#include "livepix/plugincatalog.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <set>
#include <sstream>
#include <system_error>

namespace livepix {

namespace fs = std::filesystem;

const char *pluginStateName(PluginRecord::State state)
{
    switch (state) {
    case PluginRecord::State::Loaded: return "loaded";
    case PluginRecord::State::Skipped: return "skipped";
    case PluginRecord::State::NeedsLoader: return "not loaded";
    }
    return "skipped";
}

PluginCatalog::PluginCatalog(FilterRegistry &registry) : m_registry(registry) {}

PluginCatalog &PluginCatalog::instance()
{
    // Leaked for the same reason as FilterRegistry::instance().
    static PluginCatalog *catalog = new PluginCatalog(FilterRegistry::instance());
    return *catalog;
}

std::string PluginCatalog::installedPluginFolder()
{
    Dl_info info{};
    if (dladdr(reinterpret_cast<void *>(&pluginApiVersion), &info) == 0 || !info.dli_fname)
        return {};
    std::error_code ec;
    fs::path lib = fs::canonical(fs::path(info.dli_fname), ec);
    if (ec)
        lib = fs::path(info.dli_fname);
    return (lib.parent_path() / "livepix" / "plugins").string();
}

std::vector<std::string> PluginCatalog::defaultSearchPaths()
{
    std::vector<std::string> paths;
    if (const char *env = std::getenv("LIVEPIX_PLUGIN_PATH")) {
        std::stringstream list(env);
        std::string item;
        while (std::getline(list, item, ':'))
            if (!item.empty())
                paths.push_back(item);
    }
    if (const char *xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        paths.push_back((fs::path(xdg) / "livepix" / "plugins").string());
    else if (const char *home = std::getenv("HOME"); home && *home)
        paths.push_back((fs::path(home) / ".local" / "share" / "livepix" / "plugins").string());
    const std::string installed = installedPluginFolder();
    if (!installed.empty())
        paths.push_back(installed);
    return paths;
}

std::vector<std::string> PluginCatalog::searchPaths() const
{
    std::lock_guard lock(m_mutex);
    return m_searchPaths.empty() ? defaultSearchPaths() : m_searchPaths;
}

void PluginCatalog::setSearchPaths(std::vector<std::string> paths)
{
    std::lock_guard lock(m_mutex);
    m_searchPaths = std::move(paths);
}

void PluginCatalog::setLoader(PluginKind kind, Loader loader)
{
    std::lock_guard lock(m_mutex);
    if (loader)
        m_loaders[kind] = std::move(loader);
    else
        m_loaders.erase(kind);
}

bool PluginCatalog::hasLoader(PluginKind kind) const
{
    std::lock_guard lock(m_mutex);
    return m_loaders.count(kind) != 0;
}

void PluginCatalog::load()
{
    std::lock_guard lock(m_mutex);
    loadLocked(false);
    m_loadedOnce = true;
}

void PluginCatalog::ensureLoaded()
{
    std::lock_guard lock(m_mutex);
    bool pending = !m_loadedOnce;
    for (const auto &r : m_records)
        pending = pending || (r.state == PluginRecord::State::NeedsLoader && m_loaders.count(r.manifest.kind));
    if (!pending)
        return;
    loadLocked(false);
    m_loadedOnce = true;
}

void PluginCatalog::reload()
{
    std::lock_guard lock(m_mutex);
    loadLocked(true);
    m_loadedOnce = true;
}

std::vector<PluginRecord> PluginCatalog::records() const
{
    std::lock_guard lock(m_mutex);
    return m_records;
}

namespace {

/// "pointwise, no lengths", "not pointwise, lengths sigma, size": for
/// notes about disagreeing declarations.
std::string describeTraits(const FilterTraits &traits)
{
    std::string text = traits.pointwise ? "pointwise, " : "not pointwise, ";
    if (traits.lengths.empty())
        return text + "no lengths";
    text += "lengths ";
    for (std::size_t i = 0; i < traits.lengths.size(); ++i)
        text += (i ? ", " : "") + traits.lengths[i];
    return text;
}

/// Manifest files in scan order: a search folder may itself be a plugin
/// folder, otherwise each of its sub-folders (sorted) holding plugin.json.
std::vector<std::string> findManifests(const std::vector<std::string> &folders)
{
    std::vector<std::string> result;
    std::set<std::string> seen;
    auto addIfNew = [&](const fs::path &p) {
        std::error_code ec;
        fs::path canonical = fs::canonical(p, ec);
        const std::string key = ec ? p.string() : canonical.string();
        if (seen.insert(key).second)
            result.push_back(key);
    };
    for (const auto &folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec))
            continue;
        if (fs::is_regular_file(fs::path(folder) / "plugin.json", ec)) {
            addIfNew(fs::path(folder) / "plugin.json");
            continue;
        }
        std::vector<fs::path> subfolders;
        for (const auto &entry : fs::directory_iterator(folder, ec))
            if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / "plugin.json", ec))
                subfolders.push_back(entry.path());
        std::sort(subfolders.begin(), subfolders.end());
        for (const auto &sub : subfolders)
            addIfNew(sub / "plugin.json");
    }
    return result;
}

using ApiVersionFunction = int (*)();
using RegisterFunction = void (*)(PluginRegistrar *);

void loadCppPlugin(const PluginManifest &manifest, PluginRegistrar &registrar)
{
    const std::string path = manifest.entryPath();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw std::runtime_error("entry file " + path + " does not exist");
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *err = dlerror();
        throw std::runtime_error(std::string("cannot load: ") + (err ? err : "dlopen failed"));
    }
    auto apiVersion = reinterpret_cast<ApiVersionFunction>(dlsym(handle, "livepix_plugin_api_version"));
    auto registerFunction = reinterpret_cast<RegisterFunction>(dlsym(handle, "livepix_plugin_register"));
    if (!apiVersion || !registerFunction) {
        dlclose(handle);
        throw std::runtime_error(std::string("missing symbol ") +
                                 (!apiVersion ? "livepix_plugin_api_version" : "livepix_plugin_register") +
                                 " (was it built with LIVEPIX_PLUGIN(...)?)");
    }
    const int built = apiVersion();
    if (built != pluginApiVersion()) {
        dlclose(handle);
        throw std::runtime_error("built for plugin API " + std::to_string(built) + ", this livepix has API " +
                                 std::to_string(pluginApiVersion()) + "; rebuild the plugin");
    }
    // From here on the module stays loaded even if registration fails: it may
    // have created objects whose code lives in it.
    registerFunction(&registrar);
}

} // namespace

void PluginCatalog::loadOne(PluginRecord &record)
{
    const PluginManifest &m = record.manifest;
    record.filters.clear();
    record.reason.clear();
    if (m.apiVersion != pluginApiVersion()) {
        record.state = PluginRecord::State::Skipped;
        record.reason = "manifest declares plugin API " + std::to_string(m.apiVersion) + ", this livepix has API " +
                        std::to_string(pluginApiVersion());
        return;
    }
    auto loader = m_loaders.find(m.kind);
    if (m.kind == PluginKind::Python && loader == m_loaders.end()) {
        record.state = PluginRecord::State::NeedsLoader;
        record.reason = "needs the livepix Python module";
        return;
    }
    PluginRegistrar registrar;
    try {
        if (m.kind == PluginKind::Cpp)
            loadCppPlugin(m, registrar);
        else
            loader->second(m, registrar);
    } catch (const std::exception &e) {
        record.state = PluginRecord::State::Skipped;
        record.reason = e.what();
        return;
    } catch (...) {
        record.state = PluginRecord::State::Skipped;
        record.reason = "unknown exception while loading";
        return;
    }
    if (registrar.filters().empty()) {
        record.state = PluginRecord::State::Skipped;
        record.reason = "registered no filters";
        return;
    }
    try {
        for (std::size_t i = 0; i < registrar.filters().size(); ++i) {
            const auto &filter = registrar.filters()[i];
            m_registry.add(filter, m.name, registrar.traits()[i]);
            record.filters.push_back(filter->name());
        }
    } catch (const std::exception &e) {
        m_registry.removePlugin(m.name);
        record.filters.clear();
        record.state = PluginRecord::State::Skipped;
        record.reason = e.what();
        return;
    }
    record.state = PluginRecord::State::Loaded;
    // The manifest lists filters for tools that do not run code; say so when
    // it disagrees with what the code registered (the code wins).
    std::vector<std::string> declared;
    for (const auto &f : m.filters)
        declared.push_back(f.name);
    std::vector<std::string> registered = record.filters;
    std::sort(declared.begin(), declared.end());
    std::sort(registered.begin(), registered.end());
    if (!declared.empty() && declared != registered) {
        record.reason = "note: the manifest's filter list differs from what the plugin registered";
        return;
    }
    for (std::size_t i = 0; i < registrar.filters().size(); ++i)
        for (const auto &f : m.filters)
            if (f.name == registrar.filters()[i]->name() && f.traits != registrar.traits()[i]) {
                record.reason = "note: the manifest declares filter \"" + f.name + "\" " + describeTraits(f.traits) +
                                "; the code declares it " + describeTraits(registrar.traits()[i]) + " (the code wins)";
                return;
            }
}

void PluginCatalog::loadLocked(bool reloadPython)
{
    const auto manifests = findManifests(m_searchPaths.empty() ? defaultSearchPaths() : m_searchPaths);
    std::vector<PluginRecord> old = std::move(m_records);
    m_records.clear();
    auto takeOld = [&](const std::string &path) -> PluginRecord * {
        for (auto &r : old)
            if (r.manifestPath == path && !r.manifestPath.empty())
                return &r;
        return nullptr;
    };
    // Python plugins whose folder disappeared lose their filters on reload.
    if (reloadPython)
        for (const auto &r : old)
            if (r.state == PluginRecord::State::Loaded && r.manifest.kind == PluginKind::Python &&
                std::find(manifests.begin(), manifests.end(), r.manifestPath) == manifests.end())
                m_registry.removePlugin(r.manifest.name);

    std::set<std::string> names;
    for (const auto &path : manifests) {
        PluginRecord *previous = takeOld(path);
        PluginRecord record;
        record.manifestPath = path;
        if (previous && previous->state == PluginRecord::State::Loaded &&
            (previous->manifest.kind == PluginKind::Cpp || !reloadPython)) {
            names.insert(previous->manifest.name);
            m_records.push_back(std::move(*previous));
            continue;
        }
        if (previous && previous->state == PluginRecord::State::Skipped && !reloadPython) {
            if (!previous->manifest.name.empty())
                names.insert(previous->manifest.name);
            m_records.push_back(std::move(*previous));
            continue;
        }
        if (previous && previous->state == PluginRecord::State::Loaded)
            m_registry.removePlugin(previous->manifest.name); // a Python plugin being reloaded
        try {
            record.manifest = PluginManifest::read(path);
        } catch (const std::exception &e) {
            record.state = PluginRecord::State::Skipped;
            record.reason = e.what();
            m_records.push_back(std::move(record));
            continue;
        }
        if (!names.insert(record.manifest.name).second) {
            record.state = PluginRecord::State::Skipped;
            record.reason = "another plugin named '" + record.manifest.name + "' was found first";
            m_records.push_back(std::move(record));
            continue;
        }
        loadOne(record);
        m_records.push_back(std::move(record));
    }
}

std::string PluginCatalog::formatList() const
{
    const auto list = records();
    std::ostringstream out;
    out << std::left << std::setw(20) << "NAME" << std::setw(8) << "KIND" << std::setw(10) << "VERSION"
        << std::setw(12) << "STATE" << "FILTERS / REASON\n";
    for (const auto &r : list) {
        // An unreadable manifest has no name: show its folder's.
        const std::string name =
            r.manifest.name.empty() ? fs::path(r.manifestPath).parent_path().filename().string() : r.manifest.name;
        out << std::setw(20) << name << std::setw(8) << (r.manifest.name.empty() ? "?" : pluginKindName(r.manifest.kind))
            << std::setw(10) << (r.manifest.version.empty() ? "?" : r.manifest.version) << std::setw(12)
            << pluginStateName(r.state);
        std::string detail;
        for (const auto &f : r.filters)
            detail += (detail.empty() ? "" : ", ") + f;
        if (!r.reason.empty())
            detail += (detail.empty() ? "" : "; ") + r.reason;
        out << detail << "\n";
    }
    if (list.empty())
        out << "(no plugins found)\n";
    return out.str();
}

} // namespace livepix
