#include "shadowmap.h"

#include "alignedmapping.h"

#include <new>

#include <sys/mman.h>

namespace livepix::detail {

ShadowMap::ShadowMap(std::size_t bytes, std::size_t hugeAlignment, std::size_t remainder)
    : m_size(bytes), m_hugeAlignment(hugeAlignment)
{
    void *memory = mapAligned(bytes, MAP_NORESERVE, hugeAlignment, remainder);
    if (!memory)
        throw std::bad_alloc();
    m_data = static_cast<std::uint8_t *>(memory);
    // Pages are released one by one; a huge page would be split (and held
    // whole until the kernel gets round to it) on the first release. Only
    // ranges that are then kept or released whole ask for one (adviseHuge).
    ::madvise(m_data, bytes, MADV_NOHUGEPAGE);
}

ShadowMap::~ShadowMap()
{
    ::munmap(m_data, m_size);
}

void ShadowMap::release(std::size_t offset, std::size_t length)
{
    if (length)
        ::madvise(m_data + offset, length, MADV_DONTNEED);
}

bool ShadowMap::adviseHuge(std::size_t offset, std::size_t length) noexcept
{
    return ::madvise(m_data + offset, length, MADV_HUGEPAGE) == 0;
}

void ShadowMap::populate(std::size_t offset, std::size_t length) noexcept
{
#ifdef MADV_POPULATE_WRITE
    if (length)
        ::madvise(m_data + offset, length, MADV_POPULATE_WRITE); // EINVAL on older kernels: faults then
#else
    (void)offset;
    (void)length;
#endif
}

} // namespace livepix::detail
