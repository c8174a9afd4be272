#pragma once
// PixelBuffer: the one type in livepix that owns pixel bytes.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "livepix/export.h"

namespace livepix {

class WriteTracker;

/// Where a new buffer's pages come from: private memory (the default), or a
/// memfd another process can map (see PixelBuffer::allocateShared).
enum class PixelMemory { Private, Shared };

/// One 64-byte aligned, zero-filled allocation of pixel memory, always held
/// through a std::shared_ptr (allocate() is the only way to make one). Images, crops, channel subsets, NumPy arrays, QImages and
/// plugin views all keep a shared_ptr to it, so the memory lives until the last
/// of them is gone, whichever frees it first.
///
/// The revision counter is how caches learn that pixels may have changed:
/// writes through NumPy or a plugin are invisible to C++, so whoever finishes
/// such a write (console statement, filter run, display tick while Python
/// runs) calls markChanged(). Caches compare revision() with the value they
/// were built from.
///
/// Threading: the bytes themselves are not synchronised; any thread may read
/// or write them (the GUI reads while Python writes, by design: a frame may
/// show a half-finished edit, the next one shows more). revision() and
/// markChanged() are atomic and safe from any thread.
class LIVEPIX_API PixelBuffer {
public:
    static constexpr std::size_t Alignment = 64;

    /// Allocates `bytes` zero-filled bytes. Throws std::bad_alloc on failure,
    /// std::invalid_argument (naming the size) for more than PTRDIFF_MAX bytes.
    /// Buffers come straight from the kernel (anonymous mmap, whole pages):
    /// already zero, pages are only committed when first written (a loader
    /// that fills the buffer pays for the memory once), and no other data
    /// shares their pages, so a WriteTracker may write-protect them.
    static std::shared_ptr<PixelBuffer> allocate(std::size_t bytes);

    /// Like allocate(), but the pages are shared memory from the start (a
    /// memfd): for images made to be handed to another process (a client
    /// of `livepix.connect()`), which then costs no conversion copy.
    static std::shared_ptr<PixelBuffer> allocateShared(std::size_t bytes);

    /// Maps `capacity` bytes of the memfd `fd` (from another process's
    /// sharedMemoryFd()) as a buffer of `size` bytes. Takes ownership of
    /// `fd`: it is closed with the buffer (or on failure). Throws
    /// std::invalid_argument naming the values when `size` exceeds
    /// `capacity`, `capacity` is not whole pages or the file is smaller;
    /// std::system_error when mmap fails.
    static std::shared_ptr<PixelBuffer> mapShared(int fd, std::size_t size, std::size_t capacity);

    ~PixelBuffer();
    PixelBuffer(const PixelBuffer &) = delete;
    PixelBuffer &operator=(const PixelBuffer &) = delete;

    std::uint8_t *data() { return m_data; }
    const std::uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// Bytes actually mapped: size() rounded up to whole pages.
    std::size_t capacity() const { return m_mappedBytes; }

    /// Makes the pages shared memory (a memfd) if they are not yet, and
    /// returns its descriptor (owned by the buffer: dup() it to hand it on).
    /// The address does not change: the bytes are copied into the memfd,
    /// which is then mapped over the same range (MAP_FIXED), so every view
    /// (NumPy, QImage, plugin) stays valid and sees the same memory. While a
    /// WriteTracker is attached it holds writers back during the switch
    /// (they wait in its fault handler); without one, the caller must make
    /// sure nothing writes meanwhile. Costs one copy of the buffer, once.
    /// Throws std::system_error when the kernel refuses. Any thread.
    int shareMemory();
    /// The memfd behind the pages, or -1 while the memory is private.
    int sharedMemoryFd() const { return m_sharedFd.load(std::memory_order_acquire); }
    bool isShared() const { return sharedMemoryFd() >= 0; }

    /// Starts tracking every write into this buffer (see WriteTracker) and
    /// returns the tracker; later calls return the same one. It lives as
    /// long as the buffer. Any thread.
    WriteTracker &enableWriteTracking();
    /// The tracker, or nullptr while writes are not tracked. Any thread.
    WriteTracker *writeTracker() const { return m_tracker.load(std::memory_order_acquire); }

    std::uint64_t revision() const { return m_revision.load(std::memory_order_acquire); }
    /// Declares that the bytes may have changed; bumps revision().
    void markChanged() { m_revision.fetch_add(1, std::memory_order_acq_rel); }

    /// Number of live PixelBuffers in this process; lets tests prove that a
    /// buffer was freed (or was not). Atomic; any thread.
    static std::int64_t liveCount();

private:
    PixelBuffer(std::uint8_t *data, std::size_t size, std::size_t mappedBytes, int sharedFd);
    /// Owns a fresh mapping (and `fd`, -1 for private memory); unmaps and
    /// closes them if that fails.
    static std::shared_ptr<PixelBuffer> fromMapping(void *memory, std::size_t size, std::size_t mapped, int fd);
    /// Copies the pages into a new memfd and maps it over them with
    /// `protection` (read-only while a tracker holds writers back, so no
    /// write slips past it); returns the memfd.
    int moveIntoSharedMemory(int protection);

    std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_mappedBytes; // the mapping's length, whole pages
    std::atomic<std::uint64_t> m_revision{0};
    std::atomic<WriteTracker *> m_tracker{nullptr}; // owned; deleted before the pages are unmapped
    std::atomic<int> m_sharedFd{-1};                 // owned memfd; set once, under the sharing mutex
};

using PixelBufferPtr = std::shared_ptr<PixelBuffer>;

} // namespace livepix
