#pragma once
// SnapshotPool: reused pixel buffers for a filter run's "before" copy.
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "livepix/image.h"
#include "livepix/pixelbuffer.h"

namespace livepix::detail {

/// Every filter run keeps a copy of the image to restore it on failure or
/// cancel, and most runs end without needing it. Asking the kernel for fresh
/// pages for that copy each time costs a page fault per page (on a virtual
/// machine 10-30x the copy into them); this pool keeps the copy's buffer
/// after the run and hands it to the next run of the same size.
///
/// Bound: at most MaxIdle idle buffers of at most MaxIdleBytes together;
/// a buffer larger than that is freed as before. Idle buffers are freed
/// when a take() of another size finds the pool full (oldest first).
///
/// Threading: take() and give() may be called from any thread (a mutex).
class SnapshotPool {
public:
    static constexpr std::size_t MaxIdle = 2;
    static constexpr std::size_t MaxIdleBytes = std::size_t(256) << 20;

    static SnapshotPool &instance();
    /// A buffer of exactly `bytes` (contents undefined): an idle one when
    /// there is, else PixelBuffer::allocate().
    std::shared_ptr<PixelBuffer> take(std::size_t bytes);
    /// Gives a buffer back (only when nobody else holds it and no tracker
    /// or view is attached: use_count() == 1).
    void give(std::shared_ptr<PixelBuffer> buffer);
    /// Idle buffers and their bytes (tests).
    std::size_t idleCount() const;
    std::size_t idleBytes() const;

private:
    mutable std::mutex m_mutex;
    std::vector<std::shared_ptr<PixelBuffer>> m_idle; // oldest first
};

/// An image (interleaved, padded rows, contents undefined) in a buffer from
/// the SnapshotPool (warm pages when the last one had the same size), given
/// back to the pool when this goes away and no other handle holds it.
/// Threading: one thread uses a PooledImage; the pool is thread-safe.
class PooledImage {
public:
    PooledImage(int width, int height, int channels, DType type);
    ~PooledImage();
    PooledImage(const PooledImage &) = delete;
    PooledImage &operator=(const PooledImage &) = delete;

    const Image &image() const { return m_image; }

private:
    Image m_image;
};

/// A deep copy of an image in a PooledImage.
class PooledCopy : public PooledImage {
public:
    explicit PooledCopy(const Image &image);
};

} // namespace livepix::detail
