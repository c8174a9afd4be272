#pragma once
// Metadata: the attributes of an image file, kept to write back on save.
#include <optional>
#include <string>
#include <vector>

#include "livepix/export.h"

namespace livepix {

/// One named attribute. `type` is an OpenImageIO type string ("int",
/// "float", "string", "float[3]", "matrix"...); `value` is its text form, the
/// way `oiiotool --info -v` prints it. Keeping the type lets save() write the
/// attribute back with the type the file had.
struct MetadataEntry {
    std::string name;
    std::string type;
    std::string value;
};

/// Ordered list of attributes. A value type: Image::metadata() hands out a
/// copy, and Image's setters change the copy every handle shares.
/// Threading: not synchronised; Image keeps its metadata behind the mutex of
/// its shared descriptive state.
class LIVEPIX_API Metadata {
public:
    void set(const std::string &name, const std::string &value, const std::string &type = "string");
    std::optional<std::string> get(const std::string &name) const;
    bool contains(const std::string &name) const { return get(name).has_value(); }
    void remove(const std::string &name);
    const std::vector<MetadataEntry> &entries() const & { return m_entries; }
    /// On a temporary (`image.metadata().entries()`) a copy, so that a
    /// range-for over it cannot dangle.
    std::vector<MetadataEntry> entries() const && { return m_entries; }
    bool empty() const { return m_entries.empty(); }
    std::size_t size() const { return m_entries.size(); }

private:
    std::vector<MetadataEntry> m_entries;
};

} // namespace livepix
