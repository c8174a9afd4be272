#include "viewer/boxreductionjob.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace livepix::gui {

BoxReductionJob::BoxReductionJob(const Image &image, double scale, const QRectF &visible, int alpha,
                                 std::function<void()> finished)
    : m_image(image), m_scale(scale), m_visible(visible), m_alpha(alpha)
{
    m_thread = std::thread([this, finished = std::move(finished)] {
        // Row by row from a shared counter, on this thread and helpers of
        // its own (one per further core; the GUI thread's pool stays free for
        // the drafts meanwhile), so a cancel stops every thread within a row.
        const BoxReduction::BandRunner rowByRow = [this](int rows, std::int64_t, const std::function<void(int, int)> &work) {
            std::atomic<int> next{0};
            auto take = [&] {
                for (int row = next++; row < rows && !m_cancel.load(std::memory_order_relaxed); row = next++)
                    work(row, row + 1);
            };
            std::vector<std::thread> helpers;
            for (int i = 1; i < std::min(int(std::thread::hardware_concurrency()), 8); ++i)
                helpers.emplace_back(take);
            take();
            for (std::thread &helper : helpers)
                helper.join();
        };
        std::vector<std::pair<int, int>> rewritten;
        m_level.update(m_image, m_scale, m_visible, rowByRow, rewritten, m_alpha);
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

bool BoxReductionJob::matches(const Image &image, double scale, const QRectF &visible, int alpha) const
{
    return ImageKey(image).sameButRevision(ImageKey(m_image)) && scale == m_scale && alpha == m_alpha &&
           BoxReduction::cellsFor(image, scale, visible) == BoxReduction::cellsFor(m_image, m_scale, m_visible);
}

BoxReduction BoxReductionJob::take()
{
    if (m_thread.joinable())
        m_thread.join(); // finished: the thread has returned or is about to
    return std::move(m_level);
}

} // namespace livepix::gui
