#pragma once
// FilterRegistry: every filter the process knows, by name.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "livepix/filter.h"
#include "livepix/filtertraits.h"

namespace livepix {

/// The filters available to the app, to Python and to tests. The process-wide
/// instance() is shared by the app, the Python module and the plugin catalog
/// (all link the same livepix_core), so a filter registered from Python shows
/// in the Filters menu and a C++ plugin's filter is callable from Python.
///
/// Each entry remembers the plugin it came from, so a plugin's filters can be
/// removed together (Python plugin reload).
///
/// Threading: thread-safe; every member locks one internal mutex. Lookups
/// return shared_ptrs, so a filter stays alive for a run even when it is
/// removed from the registry meanwhile.
class LIVEPIX_API FilterRegistry {
public:
    struct Entry {
        std::shared_ptr<const Filter> filter;
        std::string plugin; ///< plugin name, or empty for filters added by scripts
        FilterTraits traits; ///< what the filter declared when it was added
    };

    FilterRegistry() = default;
    FilterRegistry(const FilterRegistry &) = delete;
    FilterRegistry &operator=(const FilterRegistry &) = delete;

    static FilterRegistry &instance();

    /// Adds a filter. A filter with the same name from the same plugin is
    /// replaced (so re-running a script that defines a filter works); one from
    /// another plugin makes this throw std::invalid_argument naming both.
    void add(std::shared_ptr<const Filter> filter, const std::string &plugin = {});
    /// The same, with what the filter declares about itself; a replaced
    /// filter's traits are replaced too. Traits naming parameters the filter
    /// does not have throw std::invalid_argument (checkTraits()).
    void add(std::shared_ptr<const Filter> filter, const std::string &plugin, FilterTraits traits);
    /// Removes a filter by name; returns false if there was none.
    bool remove(const std::string &name);
    /// Removes every filter of a plugin; returns how many.
    int removePlugin(const std::string &plugin);

    std::shared_ptr<const Filter> find(const std::string &name) const;
    /// A filter with the traits it was added with; a null filter when there
    /// is none by that name.
    Entry findEntry(const std::string &name) const;
    /// Like find() but throws FilterError listing the known names.
    std::shared_ptr<const Filter> get(const std::string &name) const;
    std::vector<std::string> names() const;
    std::vector<Entry> entries() const;
    /// Bumped on every change, so menus know when to rebuild.
    std::uint64_t revision() const;

private:
    mutable std::mutex m_mutex;
    std::vector<Entry> m_entries;
    std::uint64_t m_revision = 0;
};

} // namespace livepix
