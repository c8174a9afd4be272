#include "chunkpool.h"

#include "alignedmapping.h"

#include <algorithm>

#include <sys/mman.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4 // Linux 5.7; older kernels refuse it with EINVAL
#endif

namespace livepix::detail {

// MREMAP_DONTUNMAP leaves `from` mapped (and empty): no hole that another
// thread's mmap could take before it is mapped again.
bool ChunkPool::move(std::uint8_t *from, std::uint8_t *to, std::size_t bytes)
{
    return ::mremap(from, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to) != MAP_FAILED;
}

ChunkPool &ChunkPool::instance()
{
    // Never destroyed: undo steps held by statics may go at exit, after it.
    static ChunkPool *pool = new ChunkPool;
    return *pool;
}

ChunkPool::ChunkPool()
{
    void *arena = mapAligned(ArenaBytes, MAP_NORESERVE, ChunkBytes, 0);
    if (!arena)
        return;
    m_arena = static_cast<std::uint8_t *>(arena);
    ::madvise(m_arena, ArenaBytes, MADV_HUGEPAGE); // a moved-in huge page stays whole
    const auto slots = std::uint32_t(ArenaBytes / ChunkBytes);
    m_free.reserve(slots);
    m_full.reserve(slots);
    for (std::uint32_t i = slots; i > 0; --i)
        m_free.push_back(i - 1);
}

bool ChunkPool::give(std::uint8_t *chunk)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_arena || (m_full.size() + 1) * ChunkBytes > m_limit || m_free.empty())
        return false;
    const std::uint32_t i = m_free.back();
    if (!move(chunk, slot(i)))
        return false;
    m_free.pop_back();
    m_full.push_back(i);
    return true;
}

bool ChunkPool::take(std::uint8_t *to)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_full.empty())
        return false;
    const std::uint32_t i = m_full.back();
    if (!move(slot(i), to))
        return false;
    m_full.pop_back();
    m_free.push_back(i);
    return true;
}

std::size_t ChunkPool::bytes() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_full.size() * ChunkBytes;
}

void ChunkPool::setLimit(std::size_t bytes)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_limit = std::min(bytes, ArenaBytes);
    while (m_full.size() * ChunkBytes > m_limit) {
        const std::uint32_t i = m_full.front(); // the coldest go first
        m_full.erase(m_full.begin());
        ::madvise(slot(i), ChunkBytes, MADV_DONTNEED);
        m_free.push_back(i);
    }
}

} // namespace livepix::detail
