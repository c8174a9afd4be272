#pragma once
// ShadowMap: a sparse private mapping laid out like a pixel buffer, holding
// earlier bytes of the pages a unit of work changed (internal to livepix_core).
#include <cstddef>
#include <cstdint>

namespace livepix::detail {

/// Reserves address space only (MAP_NORESERVE): a page costs memory once it
/// is written and again nothing after release(). Unmapped when destroyed.
/// Threading: the mapping itself is plain memory; whoever holds it decides.
class ShadowMap {
public:
    /// Throws std::bad_alloc when the address space cannot be reserved.
    explicit ShadowMap(std::size_t bytes);
    ~ShadowMap();
    ShadowMap(const ShadowMap &) = delete;
    ShadowMap &operator=(const ShadowMap &) = delete;

    std::uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// Gives the pages of [offset, offset + length) back to the kernel; they
    /// read as zero afterwards. Both ends must be page aligned.
    void release(std::size_t offset, std::size_t length);

private:
    std::uint8_t *m_data;
    std::size_t m_size;
};

} // namespace livepix::detail
