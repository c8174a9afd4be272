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
    /// With `hugeAlignment` (a power of two), data() % hugeAlignment ==
    /// `remainder`: laid out like a buffer at an address with that
    /// remainder, each of the buffer's aligned chunks has an aligned shadow
    /// that a transparent huge page can back (see adviseHuge()).
    explicit ShadowMap(std::size_t bytes, std::size_t hugeAlignment = 0, std::size_t remainder = 0);
    ~ShadowMap();
    ShadowMap(const ShadowMap &) = delete;
    ShadowMap &operator=(const ShadowMap &) = delete;

    std::uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// Gives the pages of [offset, offset + length) back to the kernel; they
    /// read as zero afterwards. Both ends must be page aligned.
    void release(std::size_t offset, std::size_t length);
    /// Asks for a transparent huge page behind [offset, offset + length)
    /// (one aligned huge page's worth). Committing 2 MiB of fresh 4 KiB
    /// pages takes 512 page faults, which cost far more than the copy into
    /// them (10-30x on a virtual machine); one huge page takes one fault.
    /// Async-signal-safe (a system call). Returns false when refused.
    bool adviseHuge(std::size_t offset, std::size_t length) noexcept;
    /// Commits the pages of [offset, offset + length) in one system call
    /// (MADV_POPULATE_WRITE, Linux 5.14) before they are filled: about half
    /// the cost of faulting them in one by one. Best effort.
    void populate(std::size_t offset, std::size_t length) noexcept;
    /// Commits [offset, offset + length) before it is filled, the cheapest
    /// way: one huge page for a whole aligned huge-page range (adviseHuge()),
    /// else populate(). Async-signal-safe.
    void commit(std::size_t offset, std::size_t length) noexcept
    {
        if (length != m_hugeAlignment || !adviseHuge(offset, length))
            populate(offset, length);
    }

private:
    std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_hugeAlignment; // 0: laid out without huge-page alignment
};

} // namespace livepix::detail
