#include "livepix/pixelbuffer.h"

#include "livepix/checkedsize.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

namespace livepix {

namespace {
std::atomic<std::int64_t> g_liveBuffers{0};

// From this size on, buffers are mapped pages rather than heap blocks.
constexpr std::size_t MapThreshold = std::size_t(1) << 20;
} // namespace

std::shared_ptr<PixelBuffer> PixelBuffer::allocate(std::size_t bytes)
{
    // aligned_alloc needs a size that is a multiple of the alignment; keep at
    // least one block so a zero-size request still yields a valid pointer.
    // Checked: a size near SIZE_MAX must not round up to a tiny block, and
    // every byte must be reachable with a std::ptrdiff_t offset.
    checkedSigned(bytes, "pixel buffer size");
    std::size_t rounded = checkedAdd(bytes, Alignment - 1, "pixel buffer size, rounded up to 64") / Alignment * Alignment;
    if (rounded == 0)
        rounded = Alignment;
    if (rounded >= MapThreshold) {
        // Fresh anonymous pages are zero and page aligned (a multiple of 64).
        void *memory = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            throw std::bad_alloc();
        PixelBuffer *buffer = nullptr;
        try {
            buffer = new PixelBuffer(static_cast<std::uint8_t *>(memory), bytes, rounded);
        } catch (...) {
            ::munmap(memory, rounded);
            throw;
        }
        return std::shared_ptr<PixelBuffer>(buffer); // deletes the buffer (and its pages) if this throws
    }
    void *memory = std::aligned_alloc(Alignment, rounded);
    if (!memory)
        throw std::bad_alloc();
    // Heap blocks may be recycled: clear them.
    std::memset(memory, 0, rounded);
    PixelBuffer *buffer = nullptr;
    try {
        buffer = new PixelBuffer(static_cast<std::uint8_t *>(memory), bytes, 0);
    } catch (...) {
        std::free(memory);
        throw;
    }
    return std::shared_ptr<PixelBuffer>(buffer);
}

PixelBuffer::PixelBuffer(std::uint8_t *data, std::size_t size, std::size_t mappedBytes)
    : m_data(data), m_size(size), m_mappedBytes(mappedBytes)
{
    g_liveBuffers.fetch_add(1);
}

PixelBuffer::~PixelBuffer()
{
    if (m_mappedBytes)
        ::munmap(m_data, m_mappedBytes);
    else
        std::free(m_data);
    g_liveBuffers.fetch_sub(1);
}

std::int64_t PixelBuffer::liveCount()
{
    return g_liveBuffers.load();
}

} // namespace livepix
