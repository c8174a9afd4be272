#include "shadowmap.h"

#include <new>

#include <sys/mman.h>

namespace livepix::detail {

ShadowMap::ShadowMap(std::size_t bytes) : m_size(bytes)
{
    void *memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                          -1, 0);
    if (memory == MAP_FAILED)
        throw std::bad_alloc();
    m_data = static_cast<std::uint8_t *>(memory);
    // Pages are released one by one; a huge page would be split (and held
    // whole until the kernel gets round to it) on the first release.
    ::madvise(memory, bytes, MADV_NOHUGEPAGE);
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

} // namespace livepix::detail
