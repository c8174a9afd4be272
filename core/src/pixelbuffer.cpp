#include "livepix/pixelbuffer.h"

#include "livepix/checkedsize.h"
#include "livepix/writetracker.h"

#include "alignedmapping.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <system_error>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace livepix {

namespace {
std::atomic<std::int64_t> g_liveBuffers{0};
std::mutex g_trackerMutex; // makes enableWriteTracking() create one tracker
std::mutex g_shareMutex;   // makes shareMemory() convert a buffer once

std::size_t pageBytes()
{
    static const std::size_t bytes = std::size_t(::sysconf(_SC_PAGESIZE));
    return bytes;
}

/// Whole pages for `bytes`, at least one, so a zero-size request still
/// yields a valid pointer. Checked: a size near SIZE_MAX must not round up
/// to a tiny block, and every byte must be reachable with a ptrdiff_t.
std::size_t pagesFor(std::size_t bytes)
{
    checkedSigned(bytes, "pixel buffer size");
    const std::size_t page = pageBytes();
    const std::size_t rounded =
        checkedAdd(bytes, page - 1, "pixel buffer size, rounded up to a page") / page * page;
    return rounded == 0 ? page : rounded;
}

[[noreturn]] void throwErrno(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

/// A new memfd of `bytes` (zero-filled, sparse until written).
int newMemfd(std::size_t bytes)
{
    const int fd = ::memfd_create("livepix-pixels", MFD_CLOEXEC);
    if (fd < 0)
        throwErrno("shared pixel memory: memfd_create");
    if (::ftruncate(fd, off_t(bytes)) != 0) {
        const int error = errno;
        ::close(fd);
        errno = error;
        throwErrno("shared pixel memory: ftruncate");
    }
    return fd;
}
} // namespace

namespace {
// Maps every page of a shared mapping in one system call (Linux 5.14+;
// best effort): memfd pages come 4 KiB at a time (shmem huge pages are off
// by default), and faulting them in one by one costs far more on a virtual
// machine. Read-only mappings get read access mapped. (Not done when an
// open buffer moves into a memfd: writers wait for that, and it took 2x.)
void populate(void *memory, std::size_t bytes, int protection)
{
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
    ::madvise(memory, bytes, (protection & PROT_WRITE) ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
#else
    (void)memory;
    (void)bytes;
    (void)protection;
#endif
}
} // namespace

std::shared_ptr<PixelBuffer> PixelBuffer::allocate(std::size_t bytes)
{
    const std::size_t rounded = pagesFor(bytes);
    // Fresh anonymous pages are zero and page aligned (a multiple of 64).
    // A buffer of a huge page or more starts on a 2 MiB boundary and asks
    // for transparent huge pages: a first write commits 2 MiB in one fault
    // instead of 512, page tables and TLB shrink, and the write tracker's
    // 2 MiB chunks map onto whole huge pages (protecting one is one entry).
    const bool huge = rounded >= detail::HugePageBytes;
    void *memory = detail::mapAligned(rounded, 0, huge ? detail::HugePageBytes : 0);
    if (!memory)
        throw std::bad_alloc();
    if (huge)
        ::madvise(memory, rounded, MADV_HUGEPAGE); // advice: without THP, plain pages
    return fromMapping(memory, bytes, rounded, -1);
}

std::shared_ptr<PixelBuffer> PixelBuffer::allocateShared(std::size_t bytes)
{
    const std::size_t rounded = pagesFor(bytes);
    auto buffer = mapShared(newMemfd(rounded), bytes, rounded);
    populate(buffer->data(), rounded, PROT_READ | PROT_WRITE); // it is filled next (show, a copy in)
    return buffer;
}

std::shared_ptr<PixelBuffer> PixelBuffer::mapShared(int fd, std::size_t size, std::size_t capacity)
{
    struct stat info {};
    const auto refuse = [&](const std::string &why) -> std::shared_ptr<PixelBuffer> {
        ::close(fd);
        throw std::invalid_argument("shared pixel memory: " + why);
    };
    if (fd < 0)
        throw std::invalid_argument("shared pixel memory: no file descriptor");
    if (size > capacity || capacity == 0 || capacity % pageBytes() != 0 || pagesFor(size) != capacity)
        return refuse("size " + std::to_string(size) + " does not fit a mapping of " + std::to_string(capacity) +
                      " bytes (whole pages)");
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || std::size_t(info.st_size) < capacity)
        return refuse("the file holds fewer than the " + std::to_string(capacity) + " bytes announced");
    void *memory = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        const int error = errno;
        ::close(fd);
        errno = error;
        throwErrno("shared pixel memory: mmap");
    }
    return fromMapping(memory, size, capacity, fd);
}

std::shared_ptr<PixelBuffer> PixelBuffer::fromMapping(void *memory, std::size_t size, std::size_t mapped, int fd)
{
    PixelBuffer *buffer = nullptr;
    try {
        buffer = new PixelBuffer(static_cast<std::uint8_t *>(memory), size, mapped, fd);
    } catch (...) {
        ::munmap(memory, mapped);
        if (fd >= 0)
            ::close(fd);
        throw;
    }
    return std::shared_ptr<PixelBuffer>(buffer); // deletes the buffer (and its pages) if this throws
}

PixelBuffer::PixelBuffer(std::uint8_t *data, std::size_t size, std::size_t mappedBytes, int sharedFd)
    : m_data(data), m_size(size), m_mappedBytes(mappedBytes), m_sharedFd(sharedFd)
{
    g_liveBuffers.fetch_add(1);
}

PixelBuffer::~PixelBuffer()
{
    delete m_tracker.load();
    ::munmap(m_data, m_mappedBytes);
    if (const int fd = m_sharedFd.load(); fd >= 0)
        ::close(fd);
    g_liveBuffers.fetch_sub(1);
}

int PixelBuffer::shareMemory()
{
    std::lock_guard<std::mutex> lock(g_shareMutex);
    if (const int fd = sharedMemoryFd(); fd >= 0)
        return fd;
    int fd = -1;
    if (WriteTracker *tracker = writeTracker())
        tracker->replaceMemory([&] { fd = moveIntoSharedMemory(PROT_READ); }); // it restores the rest
    else
        fd = moveIntoSharedMemory(PROT_READ | PROT_WRITE);
    m_sharedFd.store(fd, std::memory_order_release);
    markChanged();
    return fd;
}

int PixelBuffer::moveIntoSharedMemory(int protection)
{
    const int fd = newMemfd(m_mappedBytes);
    const auto fail = [fd](const char *what) {
        const int error = errno;
        ::close(fd);
        errno = error;
        throwErrno(what);
    };
    // Copy through the file (pwrite), not through a second mapping: one
    // copy, and pages that stay zero in the source cost a write of zeros
    // but no extra address space.
    std::size_t done = 0;
    while (done < m_mappedBytes) {
        const ssize_t n = ::pwrite(fd, m_data + done, m_mappedBytes - done, off_t(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("shared pixel memory: copying the pixels");
        done += std::size_t(n);
    }
    // Same address, same length: every view keeps pointing at valid bytes,
    // now the memfd's. The private pages are released by the kernel.
    void *mapped = ::mmap(m_data, m_mappedBytes, protection, MAP_SHARED | MAP_FIXED, fd, 0);
    if (mapped == MAP_FAILED || mapped != m_data)
        fail("shared pixel memory: mapping the memfd over the pixels");
    return fd;
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
