#include "viewer/boxreductionjob.h"

#include <utility>
#include <vector>

namespace livepix::gui {

BoxReductionJob::BoxReductionJob(const Image &image, double scale, const QRectF &visible,
                                 std::function<void()> finished)
    : m_image(image), m_scale(scale), m_visible(visible)
{
    m_thread = std::thread([this, finished = std::move(finished)] {
        // Row by row on this one thread, so a cancel stops it within a row
        // and the GUI thread's pool stays free for the drafts meanwhile.
        const BoxReduction::BandRunner rowByRow = [this](int rows, const std::function<void(int, int)> &work) {
            for (int row = 0; row < rows && !m_cancel.load(std::memory_order_relaxed); ++row)
                work(row, row + 1);
        };
        std::vector<std::pair<int, int>> rewritten;
        m_level.update(m_image, m_scale, m_visible, rowByRow, rewritten);
        if (m_cancel.load(std::memory_order_relaxed))
            return;
        m_finished.store(true, std::memory_order_release);
        finished();
    });
}

BoxReductionJob::~BoxReductionJob()
{
    m_cancel.store(true, std::memory_order_relaxed);
    if (m_thread.joinable())
        m_thread.join();
}

bool BoxReductionJob::matches(const Image &image, double scale, const QRectF &visible) const
{
    return image.buffer() == m_image.buffer() && image.data() == m_image.data() && image.width() == m_image.width() &&
           image.height() == m_image.height() && image.dtype() == m_image.dtype() &&
           image.channels() == m_image.channels() && image.xStride() == m_image.xStride() &&
           image.yStride() == m_image.yStride() && scale == m_scale &&
           BoxReduction::cellsFor(image, scale, visible) == BoxReduction::cellsFor(m_image, m_scale, m_visible);
}

BoxReduction BoxReductionJob::take()
{
    if (m_thread.joinable())
        m_thread.join(); // finished: the thread has returned or is about to
    return std::move(m_level);
}

} // namespace livepix::gui
