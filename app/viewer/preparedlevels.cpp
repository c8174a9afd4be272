#include "viewer/preparedlevels.h"

#include "viewer/boxreductionjob.h"
#include "viewer/displaypipeline.h"

namespace livepix::gui {

PreparedLevels::PreparedLevels(QObject *parent) : QObject(parent) {}

// Out of line: BoxReductionJob is complete here. Its destructor cancels and
// joins, and a call it posted is dropped with this object.
PreparedLevels::~PreparedLevels() = default;

void PreparedLevels::prepare(const Image &image, double scale, int alpha)
{
    if (image.isNull() || !(scale < 1.0))
        return;
    const QRectF whole(0, 0, image.width(), image.height());
    for (const auto &job : m_jobs)
        if (job->matches(image, scale, whole, alpha))
            return;
    for (const BoxReduction &level : m_levels)
        if (level.hasGrid(image, scale, whole, alpha))
            return;
    while (int(m_jobs.size()) >= Capacity)
        m_jobs.pop_front(); // cancels the oldest
    m_jobs.push_back(std::make_unique<BoxReductionJob>(image, scale, whole, alpha, [this] {
        // On the job's thread; the job (owned here) joins before this
        // object goes, and Qt drops the posted call then.
        QMetaObject::invokeMethod(this, [this] {
            if (keepFinished())
                Q_EMIT prepared();
        }, Qt::QueuedConnection);
    }));
}

bool PreparedLevels::keepFinished()
{
    bool kept = false;
    for (auto it = m_jobs.begin(); it != m_jobs.end();) {
        if (!(*it)->isFinished()) {
            ++it;
            continue;
        }
        m_levels.push_back((*it)->take());
        it = m_jobs.erase(it); // lets go of the image
        kept = true;
    }
    while (int(m_levels.size()) > Capacity)
        m_levels.pop_front();
    return kept;
}

bool PreparedLevels::adoptInto(DisplayPipeline &pipeline, const Image &image, double scale, const QRectF &visible,
                               int alpha)
{
    keepFinished(); // a job may have ended after its post was queued
    // One still running for this view (a step right after the prefetch)
    // is waited for: what is left of it costs less than reducing it all here.
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
        if (!(*it)->matches(image, scale, visible, alpha))
            continue;
        m_levels.push_back((*it)->take()); // joins its thread
        m_jobs.erase(it);
        break;
    }
    for (auto it = m_levels.begin(); it != m_levels.end(); ++it) {
        if (!it->hasGrid(image, scale, visible, alpha))
            continue;
        pipeline.adoptBoxReduction(std::move(*it));
        m_levels.erase(it);
        ++m_adopted;
        return true;
    }
    return false;
}

} // namespace livepix::gui
