#include "livepix/pixelbuffer.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace livepix {

namespace {
std::atomic<std::int64_t> g_liveBuffers{0};
}

std::shared_ptr<PixelBuffer> PixelBuffer::allocate(std::size_t bytes)
{
    // aligned_alloc needs a size that is a multiple of the alignment; keep at
    // least one block so a zero-size request still yields a valid pointer.
    std::size_t rounded = (bytes + Alignment - 1) / Alignment * Alignment;
    if (rounded == 0)
        rounded = Alignment;
    void *memory = std::aligned_alloc(Alignment, rounded);
    if (!memory)
        throw std::bad_alloc();
    // calloc-like: fresh pages from the kernel are already zero, but small
    // blocks may be recycled, so clear explicitly.
    std::memset(memory, 0, rounded);
    return std::shared_ptr<PixelBuffer>(new PixelBuffer(static_cast<std::uint8_t *>(memory), bytes));
}

PixelBuffer::PixelBuffer(std::uint8_t *data, std::size_t size) : m_data(data), m_size(size)
{
    g_liveBuffers.fetch_add(1);
}

PixelBuffer::~PixelBuffer()
{
    std::free(m_data);
    g_liveBuffers.fetch_sub(1);
}

std::int64_t PixelBuffer::liveCount()
{
    return g_liveBuffers.load();
}

} // namespace livepix
