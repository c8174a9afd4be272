#include "livepix/filterregistry.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "livepix/filtererror.h"

namespace livepix {

FilterRegistry &FilterRegistry::instance()
{
    // Deliberately leaked: Python filters in it may only be destroyed while
    // the interpreter is alive, and static destruction order would not
    // guarantee that.
    static FilterRegistry *registry = new FilterRegistry;
    return *registry;
}

void FilterRegistry::add(std::shared_ptr<const Filter> filter, const std::string &plugin)
{
    add(std::move(filter), plugin, FilterTraits());
}

void FilterRegistry::add(std::shared_ptr<const Filter> filter, const std::string &plugin, FilterTraits traits)
{
    if (!filter)
        throw std::invalid_argument("FilterRegistry::add: null filter");
    const std::string name = filter->name();
    if (name.empty())
        throw std::invalid_argument("a filter has an empty name");
    for (const auto &p : filter->params())
        p.validate();
    checkTraits(*filter, traits);
    std::shared_ptr<const Filter> replaced; // destroyed after unlocking (see remove())
    std::lock_guard lock(m_mutex);
    for (auto &entry : m_entries) {
        if (entry.filter->name() != name)
            continue;
        if (entry.plugin != plugin)
            throw std::invalid_argument("filter '" + name + "' is already registered by " +
                                        (entry.plugin.empty() ? std::string("a script") : "plugin '" + entry.plugin + "'"));
        replaced = std::exchange(entry.filter, std::move(filter));
        entry.traits = std::move(traits);
        ++m_revision;
        return;
    }
    m_entries.push_back({std::move(filter), plugin, std::move(traits)});
    ++m_revision;
}

bool FilterRegistry::remove(const std::string &name)
{
    // Removed filters are destroyed after the lock is released: a Python
    // filter's destructor takes the GIL, and a thread holding the GIL may be
    // waiting for this lock.
    std::vector<Entry> removed;
    std::lock_guard lock(m_mutex);
    auto it = std::find_if(m_entries.begin(), m_entries.end(),
                           [&](const Entry &e) { return e.filter->name() == name; });
    if (it == m_entries.end())
        return false;
    removed.push_back(std::move(*it));
    m_entries.erase(it);
    ++m_revision;
    return true;
}

int FilterRegistry::removePlugin(const std::string &plugin)
{
    std::vector<Entry> removed; // destroyed after unlocking (see remove())
    std::lock_guard lock(m_mutex);
    std::vector<Entry> kept;
    for (auto &entry : m_entries)
        (entry.plugin == plugin ? removed : kept).push_back(std::move(entry));
    m_entries = std::move(kept);
    if (!removed.empty())
        ++m_revision;
    return static_cast<int>(removed.size());
}

std::shared_ptr<const Filter> FilterRegistry::find(const std::string &name) const
{
    return findEntry(name).filter;
}

FilterRegistry::Entry FilterRegistry::findEntry(const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    for (const auto &entry : m_entries)
        if (entry.filter->name() == name)
            return entry;
    return {};
}

std::shared_ptr<const Filter> FilterRegistry::get(const std::string &name) const
{
    if (auto filter = find(name))
        return filter;
    std::string list;
    for (const auto &n : names())
        list += (list.empty() ? "" : ", ") + n;
    throw FilterError("no filter named '" + name + "' (filters: " + (list.empty() ? std::string("none") : list) +
                      ")");
}

std::vector<std::string> FilterRegistry::names() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> result;
    for (const auto &entry : m_entries)
        result.push_back(entry.filter->name());
    return result;
}

std::vector<FilterRegistry::Entry> FilterRegistry::entries() const
{
    std::lock_guard lock(m_mutex);
    return m_entries;
}

std::uint64_t FilterRegistry::revision() const
{
    std::lock_guard lock(m_mutex);
    return m_revision;
}

} // namespace livepix
