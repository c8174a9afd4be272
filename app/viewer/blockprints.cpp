#include "viewer/blockprints.h"

#include <algorithm>

#include <livepix/contenthash.h>

namespace livepix::gui {

bool BlockPrints::supports(const Image &image)
{
    return !image.isNull() && image.isInterleaved() && image.yStride() > 0;
}

void BlockPrints::Change::add(const Change &other)
{
    if (other.isEmpty())
        return;
    if (isEmpty()) {
        *this = other;
        return;
    }
    firstRow = std::min(firstRow, other.firstRow);
    lastRow = std::max(lastRow, other.lastRow);
    firstByte = std::min(firstByte, other.firstByte);
    lastByte = std::max(lastByte, other.lastByte);
}

void BlockPrints::reset(const Image &image)
{
    m_rowBytes = std::size_t(image.width()) * std::size_t(image.xStride());
    m_blocksPerRow = (m_rowBytes + BlockBytes - 1) / BlockBytes;
    m_height = image.height();
    m_known.assign(std::size_t(m_height), 0);
    m_prints.clear(); // allocated by the first update()
}

void BlockPrints::forget(int first, int last)
{
    first = std::max(first, 0);
    last = std::min(last, m_height);
    for (int y = first; y < last; ++y)
        m_known[std::size_t(y)] = 0;
}

void BlockPrints::prepare()
{
    if (m_prints.empty())
        m_prints.assign(std::size_t(m_height) * m_blocksPerRow, 0);
}

BlockPrints::Change BlockPrints::update(const Image &image, int first, int last)
{
    first = std::max(first, 0);
    last = std::min(last, m_height);
    prepare();
    Change change;
    std::size_t firstBlock = m_blocksPerRow;
    std::size_t lastBlock = 0;
    for (int y = first; y < last; ++y) {
        const std::uint8_t *row = image.row(y);
        std::uint64_t *prints = m_prints.data() + std::size_t(y) * m_blocksPerRow;
        const bool known = m_known[std::size_t(y)];
        bool rowChanged = false;
        for (std::size_t b = 0; b < m_blocksPerRow; ++b) {
            const std::size_t begin = b * BlockBytes;
            const std::uint64_t print = bytesHash(row + begin, std::min(BlockBytes, m_rowBytes - begin));
            if (known && print == prints[b])
                continue;
            prints[b] = print;
            firstBlock = std::min(firstBlock, b);
            lastBlock = std::max(lastBlock, b + 1);
            rowChanged = true;
        }
        m_known[std::size_t(y)] = 1;
        if (rowChanged) {
            if (change.isEmpty())
                change.firstRow = y;
            change.lastRow = y + 1;
        }
    }
    if (!change.isEmpty()) {
        change.firstByte = firstBlock * BlockBytes;
        change.lastByte = std::min(lastBlock * BlockBytes, m_rowBytes);
    }
    return change;
}

} // namespace livepix::gui
