#include "livepix/pixelbuffer.h"

#include "livepix/checkedsize.h"
#include "livepix/writetracker.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include <sys/mman.h>
#include <unistd.h>

namespace livepix {

namespace {
std::atomic<std::int64_t> g_liveBuffers{0};
std::mutex g_trackerMutex; // makes enableWriteTracking() create one tracker
} // namespace

std::shared_ptr<PixelBuffer> PixelBuffer::allocate(std::size_t bytes)
{
    // Whole pages, at least one, so a zero-size request still yields a valid
    // pointer. Checked: a size near SIZE_MAX must not round up to a tiny
    // block, and every byte must be reachable with a std::ptrdiff_t offset.
    checkedSigned(bytes, "pixel buffer size");
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    std::size_t rounded = checkedAdd(bytes, page - 1, "pixel buffer size, rounded up to a page") / page * page;
    if (rounded == 0)
        rounded = page;
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

PixelBuffer::PixelBuffer(std::uint8_t *data, std::size_t size, std::size_t mappedBytes)
    : m_data(data), m_size(size), m_mappedBytes(mappedBytes)
{
    g_liveBuffers.fetch_add(1);
}

PixelBuffer::~PixelBuffer()
{
    delete m_tracker.load();
    ::munmap(m_data, m_mappedBytes);
    g_liveBuffers.fetch_sub(1);
}

WriteTracker &PixelBuffer::enableWriteTracking()
{
    std::lock_guard<std::mutex> lock(g_trackerMutex);
    if (WriteTracker *tracker = m_tracker.load())
        return *tracker;
    auto *tracker = new WriteTracker(*this);
    m_tracker.store(tracker, std::memory_order_release);
    return *tracker;
}

std::int64_t PixelBuffer::liveCount()
{
    return g_liveBuffers.load();
}

} // namespace livepix
