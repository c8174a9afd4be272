#pragma once
// PreparedLevels: smooth levels of images not shown yet, made ahead.
#include <QObject>
#include <QRectF>

#include <deque>
#include <memory>

#include <livepix/image.h>

#include "viewer/boxreduction.h"

namespace livepix::gui {

class BoxReductionJob;
class DisplayPipeline;

/// Box levels (BoxReduction) of images that are about to be shown, reduced
/// off the GUI thread ahead of time: the folder browser's prefetched
/// neighbours, at the scale they open with (fitted). Stepping to one then
/// adopts its level instead of reducing every pixel on its first paint (a 4K
/// RGBA8 image: 20-45 ms of the GUI thread and a helper).
///
/// Memory: at most Capacity levels (each the size of the screen's cells, not
/// of the image) and as many jobs; a job holds its image until it ends, a
/// kept level holds no pixels of the image (its key is weak). The oldest
/// goes first.
///
/// Threading: GUI thread only; the jobs run on threads of their own and post
/// their end back here.
class PreparedLevels : public QObject {
    Q_OBJECT
public:
    static constexpr int Capacity = 2; // the folder browser's two neighbours

    explicit PreparedLevels(QObject *parent = nullptr);
    ~PreparedLevels() override;

    /// Starts reducing all of `image` at `scale` (device pixels per image
    /// pixel, below 1) with `alpha` as BoxReduction::update() takes it.
    void prepare(const Image &image, double scale, int alpha);
    /// When a finished level has this grid (BoxReduction::hasGrid), it goes
    /// to `pipeline` and true is returned. Levels of other images stay.
    bool adoptInto(DisplayPipeline &pipeline, const Image &image, double scale, const QRectF &visible, int alpha);
    /// Levels finished and kept, jobs still running, and levels adopted so
    /// far; tests and benchmarks read them.
    int levels() const { return int(m_levels.size()); }
    int running() const { return int(m_jobs.size()); }
    int adopted() const { return m_adopted; }

Q_SIGNALS:
    /// A level was finished and kept.
    void prepared();

private:
    /// Moves finished jobs' levels into m_levels; true when there was one.
    bool keepFinished();

    std::deque<std::unique_ptr<BoxReductionJob>> m_jobs;
    std::deque<BoxReduction> m_levels;
    int m_adopted = 0;
};

} // namespace livepix::gui
