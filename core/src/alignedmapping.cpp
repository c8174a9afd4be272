#include "alignedmapping.h"

#include <cstdint>
#include <limits>

#include <sys/mman.h>

namespace livepix::detail {

void *mapAligned(std::size_t bytes, int extraFlags, std::size_t alignment, std::size_t remainder)
{
    if (alignment > std::numeric_limits<std::size_t>::max() - bytes)
        return nullptr;
    const std::size_t reserved = bytes + alignment;
    void *memory = ::mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extraFlags, -1, 0);
    if (memory == MAP_FAILED)
        return nullptr;
    if (!alignment)
        return memory;
    auto *base = static_cast<std::uint8_t *>(memory);
    const std::size_t at = reinterpret_cast<std::uintptr_t>(base) % alignment;
    std::uint8_t *data = base + (remainder % alignment + alignment - at) % alignment;
    if (data > base)
        ::munmap(base, std::size_t(data - base));
    if (base + reserved > data + bytes)
        ::munmap(data + bytes, std::size_t(base + reserved - (data + bytes)));
    return data;
}

} // namespace livepix::detail
