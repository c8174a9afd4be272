#include "snapshotpool.h"

#include <algorithm>

namespace livepix::detail {

SnapshotPool &SnapshotPool::instance()
{
    static SnapshotPool pool;
    return pool;
}

std::shared_ptr<PixelBuffer> SnapshotPool::take(std::size_t bytes)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = std::find_if(m_idle.begin(), m_idle.end(),
                               [bytes](const auto &buffer) { return buffer->size() == bytes; });
        if (it != m_idle.end()) {
            std::shared_ptr<PixelBuffer> buffer = std::move(*it);
            m_idle.erase(it);
            return buffer;
        }
    }
    return PixelBuffer::allocate(bytes);
}

void SnapshotPool::give(std::shared_ptr<PixelBuffer> buffer)
{
    if (!buffer || buffer.use_count() != 1 || buffer->size() > MaxIdleBytes)
        return;
    std::shared_ptr<PixelBuffer> dropped[MaxIdle + 1];
    std::size_t count = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_idle.push_back(std::move(buffer));
        auto total = [this] {
            std::size_t sum = 0;
            for (const auto &b : m_idle)
                sum += b->size();
            return sum;
        };
        while (m_idle.size() > MaxIdle || total() > MaxIdleBytes) {
            dropped[count++] = std::move(m_idle.front()); // freed outside the lock
            m_idle.erase(m_idle.begin());
        }
    }
}

std::size_t SnapshotPool::idleCount() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_idle.size();
}

std::size_t SnapshotPool::idleBytes() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::size_t sum = 0;
    for (const auto &b : m_idle)
        sum += b->size();
    return sum;
}

PooledImage::PooledImage(int w, int h, int c, DType type)
{
    m_image = Image::wrap(SnapshotPool::instance().take(imageByteCount(w, h, c, type)), 0, w, h, c, type,
                          std::ptrdiff_t(std::size_t(c) * byteSize(type)), std::ptrdiff_t(paddedRowBytes(w, c, type)));
}

PooledCopy::PooledCopy(const Image &image) : PooledImage(image.width(), image.height(), image.channels(), image.dtype())
{
    this->image().copyPixelsFrom(image);
}

PooledImage::~PooledImage()
{
    PixelBufferPtr buffer = m_image.buffer();
    m_image = Image();
    SnapshotPool::instance().give(std::move(buffer));
}

} // namespace livepix::detail
