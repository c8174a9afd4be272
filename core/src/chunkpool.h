#pragma once
// ChunkPool: warm 2 MiB pieces of memory kept for the write tracker's next
// use instead of being given back to the kernel (internal to livepix_core).
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace livepix::detail {

/// Memory the kernel hands out fresh costs far more than the bytes copied
/// into it: it zeroes every page, and on a virtual machine the first touch
/// of a page is dearer still (measured here: 32 MiB of fresh huge pages
/// take about 40 warm memcpys of the same size). So the pages of an undo
/// step that is dropped, or of a workspace chunk the tracker lets go, are
/// moved into this pool (mremap: the page tables move, no byte is copied)
/// and moved out again where the tracker needs committed memory next.
///
/// Bounded: it holds at most setLimit() bytes (WriteTracker::setPoolLimit();
/// default DefaultLimit); beyond that give() refuses and the caller gives
/// the pages back to the kernel as before. Needs Linux 5.7 (MREMAP_DONTUNMAP);
/// elsewhere give() and take() refuse and nothing is pooled.
///
/// Threading: every member is safe from any thread (one mutex). Not for the
/// write fault handler (not async-signal-safe).
class ChunkPool {
public:
    static constexpr std::size_t ChunkBytes = std::size_t(2) << 20;
    static constexpr std::size_t DefaultLimit = std::size_t(256) << 20;
    /// The address space reserved for pooled chunks: the largest limit.
    static constexpr std::size_t ArenaBytes = std::size_t(4) << 30;

    static ChunkPool &instance();

    /// Moves the pages of the 2 MiB-aligned chunk at `chunk` (private
    /// anonymous memory, all of it committed) into the pool; `chunk` stays
    /// mapped and reads as zero afterwards. False when the pool is full or
    /// the kernel cannot move them: the caller keeps the pages.
    bool give(std::uint8_t *chunk);
    /// Moves a pooled chunk's pages to the 2 MiB-aligned `to` (inside a
    /// private anonymous mapping, whose pages there are replaced). Its bytes
    /// are whatever they were. False when the pool is empty.
    bool take(std::uint8_t *to);
    std::size_t bytes() const;
    /// Moves the pages of `bytes` (whole 2 MiB-aligned chunks) from `from`
    /// to `to` (both private anonymous memory), leaving `from` mapped and
    /// empty. False when the kernel cannot (then nothing moved).
    static bool move(std::uint8_t *from, std::uint8_t *to, std::size_t bytes = ChunkBytes);
    /// Pooled chunks beyond a lower limit go back to the kernel at once.
    void setLimit(std::size_t bytes);

private:
    ChunkPool();
    std::uint8_t *slot(std::uint32_t i) const { return m_arena + std::size_t(i) * ChunkBytes; }

    mutable std::mutex m_mutex;
    std::uint8_t *m_arena = nullptr; // nullptr: no address space, nothing is pooled
    std::vector<std::uint32_t> m_full; // slots holding pages, last given first taken (warmest)
    std::vector<std::uint32_t> m_free;
    std::size_t m_limit = DefaultLimit;
};

} // namespace livepix::detail
