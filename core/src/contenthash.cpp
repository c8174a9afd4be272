#include "livepix/contenthash.h"

#include <algorithm>
#include <cstring>

namespace livepix {

namespace {

constexpr std::uint64_t Prime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t Prime2 = 0xC2B2AE3D27D4EB4FULL;

inline std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline std::uint64_t mix(std::uint64_t lane, std::uint64_t word)
{
    return rotl(lane + word * Prime2, 31) * Prime1;
}

// Streaming hash of a byte sequence: the result depends only on the bytes in
// order, not on how they were split into update() calls (a strided view hashes
// like its contiguous copy). Four independent lanes let the multiplies of
// neighbouring words overlap.
class Hasher {
public:
    void update(const std::uint8_t *data, std::size_t size)
    {
        if (m_fill > 0) {
            const std::size_t take = std::min(size, sizeof(m_block) - m_fill);
            std::memcpy(m_block + m_fill, data, take);
            m_fill += take;
            data += take;
            size -= take;
            if (m_fill < sizeof(m_block))
                return;
            block(m_block);
            m_fill = 0;
        }
        for (; size >= sizeof(m_block); data += sizeof(m_block), size -= sizeof(m_block))
            block(data);
        std::memcpy(m_block, data, size);
        m_fill = size;
    }

    std::uint64_t finish()
    {
        for (std::size_t i = 0; i < m_fill; ++i)
            m_lanes[i & 3] = mix(m_lanes[i & 3], m_block[i]);
        return rotl(m_lanes[0], 1) + rotl(m_lanes[1], 7) + rotl(m_lanes[2], 12) + rotl(m_lanes[3], 18);
    }

private:
    void block(const std::uint8_t *data)
    {
        std::uint64_t w[4];
        std::memcpy(w, data, sizeof(w)); // unaligned-safe; compiles to plain loads
        for (int i = 0; i < 4; ++i)
            m_lanes[i] = mix(m_lanes[i], w[i]);
    }

    std::uint64_t m_lanes[4] = {Prime1, Prime2, Prime1 ^ Prime2, ~Prime1};
    std::uint8_t m_block[32];
    std::size_t m_fill = 0;
};

} // namespace

class ContentHasher::State : public Hasher {};

ContentHasher::ContentHasher(int width, int height, int channels, DType dtype)
    : m_state(std::make_unique<State>()), m_width(width), m_height(height), m_channels(channels), m_dtype(dtype)
{
}

ContentHasher::~ContentHasher() = default;

void ContentHasher::add(const Image &image)
{
    const std::size_t pixelBytes = static_cast<std::size_t>(image.channels()) * image.componentSize();
    for (int y = 0; y < image.height(); ++y) {
        const std::uint8_t *row = image.row(y);
        if (image.isInterleaved()) {
            m_state->update(row, pixelBytes * static_cast<std::size_t>(image.width()));
        } else {
            for (int x = 0; x < image.width(); ++x)
                m_state->update(row + static_cast<std::ptrdiff_t>(x) * image.xStride(), pixelBytes);
        }
    }
}

std::uint64_t ContentHasher::finish()
{
    std::uint64_t h = m_state->finish();
    h ^= static_cast<std::uint64_t>(m_width) * Prime1 ^ static_cast<std::uint64_t>(m_height) * Prime2 ^
         static_cast<std::uint64_t>(m_channels) << 48 ^ static_cast<std::uint64_t>(m_dtype) << 56;
    h ^= h >> 33;
    h *= Prime2;
    h ^= h >> 29;
    return h;
}

std::uint64_t contentHash(const Image &image)
{
    if (image.isNull())
        return 0;
    ContentHasher hasher(image.width(), image.height(), image.channels(), image.dtype());
    hasher.add(image);
    return hasher.finish();
}

} // namespace livepix
