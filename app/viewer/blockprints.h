#pragma once
// BlockPrints: fingerprints of an image's rows in blocks, to find which part of a row changed.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <livepix/image.h>

namespace livepix::gui {

/// Fingerprints (livepix::bytesHash) of an image's rows, in blocks of
/// BlockBytes, taken the last time a cache read those rows. Why: the write
/// tracker names whole 2 MiB chunks, which at 4K are 136 full rows and at
/// 40000 px wide 13; a 256x256 edit then costs every pixel of those rows.
/// Comparing the blocks of the rows it names with their prints tells which
/// columns really changed, at the cost of reading them once (a hash runs at
/// memory speed, several times faster than a reduction).
///
/// A print describes the pixels the cache was made from only if nothing
/// wrote them while the cache read them: callers forget() rows that the
/// tracker says were written (or are open for writing) after they started,
/// and reset() after reading rows without printing them. Otherwise a pixel
/// changed and changed back while being read could leave a stale cache.
///
/// Memory: 8 bytes per block, 1/256 of the image's bytes at most, allocated
/// on first use.
///
/// Threading: a plain value; one thread at a time (BoxReduction's, the GUI
/// thread), except update() of disjoint rows after prepare() (the bands of
/// one update on the pipeline's helpers).
class BlockPrints {
public:
    static constexpr std::size_t BlockBytes = 2048;

    /// What changed in the rows given to update(): rows [firstRow, lastRow)
    /// and bytes [firstByte, lastByte) of each row (from the row's first
    /// pixel). Empty when nothing changed.
    struct Change {
        int firstRow = 0;
        int lastRow = 0;
        std::size_t firstByte = 0;
        std::size_t lastByte = 0;
        bool isEmpty() const { return firstRow >= lastRow; }
        /// Widens this change to cover `other` too.
        void add(const Change &other);
    };

    /// True when `image` can be printed: pixels interleaved, rows running
    /// forwards.
    static bool supports(const Image &image);

    /// Forgets every print (for rows of `image`'s size and layout).
    void reset(const Image &image);
    /// Forgets the prints of rows [first, last): they count as wholly
    /// changed at the next update().
    void forget(int first, int last);
    /// Makes room for the prints (done by update() otherwise).
    void prepare();
    /// Prints rows [first, last) of `image` (as reset() was given) again and
    /// returns where they differ from their last prints; a row without a
    /// print counts as changed from end to end. After prepare(), calls for
    /// rows that do not overlap may run on several threads at once.
    Change update(const Image &image, int first, int last);

private:
    std::size_t m_rowBytes = 0;
    std::size_t m_blocksPerRow = 0;
    int m_height = 0;
    std::vector<std::uint64_t> m_prints; // m_blocksPerRow per row
    std::vector<std::uint8_t> m_known;   // one per row (bytes: bands write their own rows)
};

} // namespace livepix::gui
