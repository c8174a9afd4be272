#include "shadowmap.h"

#include <new>

#include <sys/mman.h>

namespace livepix::detail {

ShadowMap::ShadowMap(std::size_t bytes, std::size_t hugeAlignment, std::size_t remainder) : m_size(bytes)
{
    // Reserves hugeAlignment more and trims both ends to place data() at
    // the wanted remainder (mmap itself aligns to pages only).
    const std::size_t reserved = bytes + hugeAlignment;
    void *memory = ::mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                          -1, 0);
    if (memory == MAP_FAILED)
        throw std::bad_alloc();
    auto *base = static_cast<std::uint8_t *>(memory);
    m_data = base;
    if (hugeAlignment) {
        const std::size_t at = reinterpret_cast<std::uintptr_t>(base) % hugeAlignment;
        m_data = base + (remainder % hugeAlignment + hugeAlignment - at) % hugeAlignment;
        if (m_data > base)
            ::munmap(base, std::size_t(m_data - base));
        if (base + reserved > m_data + bytes)
            ::munmap(m_data + bytes, std::size_t(base + reserved - (m_data + bytes)));
    }
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
