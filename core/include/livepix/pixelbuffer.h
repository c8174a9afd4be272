#pragma once
// PixelBuffer: the one type in livepix that owns pixel bytes.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "livepix/export.h"

namespace livepix {

class WriteTracker;

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

    ~PixelBuffer();
    PixelBuffer(const PixelBuffer &) = delete;
    PixelBuffer &operator=(const PixelBuffer &) = delete;

    std::uint8_t *data() { return m_data; }
    const std::uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// Bytes actually mapped: size() rounded up to whole pages.
    std::size_t capacity() const { return m_mappedBytes; }

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
    PixelBuffer(std::uint8_t *data, std::size_t size, std::size_t mappedBytes);

    std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_mappedBytes; // the mapping's length, whole pages
    std::atomic<std::uint64_t> m_revision{0};
    std::atomic<WriteTracker *> m_tracker{nullptr}; // owned; deleted before the pages are unmapped
};

using PixelBufferPtr = std::shared_ptr<PixelBuffer>;

} // namespace livepix
