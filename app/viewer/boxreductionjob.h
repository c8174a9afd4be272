#pragma once
// BoxReductionJob: a huge view's first smooth level, reduced off the GUI thread.
#include <QRectF>

#include <atomic>
#include <functional>
#include <thread>

#include <livepix/image.h>

#include "viewer/boxreduction.h"

namespace livepix::gui {

/// Reduces `image` at `scale` over `visible` (BoxReduction::update) on a
/// thread of its own (with a helper per further core), so the canvas keeps drawing drafts while a level that
/// reads gigabytes is made. The job holds a reference to the image's buffer
/// until it ends. `finished` is called on the job's thread when the level
/// is ready (not when it was cancelled); it must only post to the GUI.
///
/// Writes into the image meanwhile are not lost: the level remembers the
/// tracker epoch it read before the pixels, so the pipeline that adopts it
/// reduces those rows again on its next frame.
///
/// Threading: create, matches(), take() and destroy on the GUI thread. The
/// destructor cancels (the reduction stops after the row it is on) and
/// waits for the thread.
class BoxReductionJob {
public:
    /// `alpha` as BoxReduction::update() takes it.
    BoxReductionJob(const Image &image, double scale, const QRectF &visible, int alpha, std::function<void()> finished);
    ~BoxReductionJob();
    BoxReductionJob(const BoxReductionJob &) = delete;
    BoxReductionJob &operator=(const BoxReductionJob &) = delete;

    /// True when the job reduces this view of this image.
    bool matches(const Image &image, double scale, const QRectF &visible, int alpha) const;
    bool isFinished() const { return m_finished.load(std::memory_order_acquire); }
    /// The level, once finished (moved out; the job is spent afterwards).
    BoxReduction take();

private:
    Image m_image;
    double m_scale;
    QRectF m_visible;
    int m_alpha;
    BoxReduction m_level;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_finished{false};
    std::thread m_thread;
};

} // namespace livepix::gui
