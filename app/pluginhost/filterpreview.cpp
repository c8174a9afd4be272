#include "pluginhost/filterpreview.h"

#include <livepix/filterregion.h>
#include <livepix/filterrun.h>

#include "pluginhost/filterjob.h"

#include <algorithm>
#include <cmath>

namespace livepix::gui {

namespace {
bool sameValues(const ParamValues &a, const ParamValues &b)
{
    return a.values() == b.values();
}

PixelRect toPixelRect(const QRect &r)
{
    return {r.x(), r.y(), r.width(), r.height()};
}

// A pointwise filter's whole-image pass: band after band, each computed in
// a scratch of its own size (runFilterOnRegion with no margin) and written
// when done, so no scratch of the whole image is needed (a gigapixel image
// would need gigabytes) and the bands replace the draft as they come.
void runPointwiseInBands(const Filter &filter, const Image &before, const Image &image, const ParamValues &values,
                         FilterContext &context, std::mutex *commit)
{
    const std::size_t rowBytes = std::max<std::size_t>(
        1, std::size_t(image.width()) * std::size_t(image.channels()) * image.componentSize());
    const int rows = int(std::clamp<std::size_t>(FilterPreview::PointwiseBandBytes / rowBytes, 1,
                                                 std::size_t(std::max(image.height(), 1))));
    for (int y = 0; y < image.height(); y += rows) {
        const PixelRect band{0, y, image.width(), std::min(rows, image.height() - y)};
        runFilterOnRegion(filter, before, image, band, values, context, 0, commit);
        context.setProgress(float(band.y + band.height) / float(image.height()));
    }
}
} // namespace

FilterPreview::FilterPreview(std::shared_ptr<const Filter> filter, Image image, Image before, Viewer *viewer,
                             QObject *parent)
    : QObject(parent), m_filter(std::move(filter)), m_image(std::move(image)), m_before(std::move(before)),
      m_viewer(viewer)
{
}

FilterPreview::~FilterPreview()
{
    cancelAll();
    m_regionJob.reset(); // each waits for its worker
    m_wholeJob.reset();
    m_wholeEdit.drop();
}

bool FilterPreview::isCurrent(const ParamValues &values) const
{
    return m_wanted && m_done == m_generation && sameValues(*m_wanted, values);
}

void FilterPreview::show(const ParamValues &values)
{
    if (m_wanted && sameValues(*m_wanted, values) && m_failed != m_generation)
        return;
    m_wanted = values;
    ++m_generation;
    cancelAll();
    pump();
}

void FilterPreview::cancelAll()
{
    if (m_regionJob)
        m_regionJob->cancel();
    if (m_wholeJob)
        m_wholeJob->cancel();
}

int FilterPreview::margin() const
{
    return m_traits.pointwise ? 0 : DefaultRegionMargin;
}

FilterPreview::Part FilterPreview::regionFirst() const
{
    if (!m_visibleRegion)
        return {};
    const ScreenView view = m_visibleRegion();
    const PixelRect region = toPixelRect(view.pixels);
    if (region.isEmpty())
        return {};
    // Zoomed out, a pointwise filter's draft is 1/step² of the work, always
    // worth doing first. (The small epsilon keeps 3.0 from flooring to 2.)
    const int step = int(std::floor(view.imagePixelsPerScreenPixel + 1e-6));
    if (m_traits.pointwise && step > 1)
        return {view.pixels, step};
    const PixelRect outer = region.grownWithin(margin(), m_image.width(), m_image.height());
    // A first pass over half the image or more would delay the whole result
    // by as much as it saves.
    const long long whole = static_cast<long long>(m_image.width()) * m_image.height();
    if (outer.isEmpty() || 2 * outer.area() >= whole)
        return {};
    return {view.pixels, 1};
}

// Starts what the newest values need next, within the rules of the class
// comment; called again whenever a pass ends or the view moves.
void FilterPreview::pump()
{
    if (!m_wanted || m_done == m_generation || m_failed == m_generation)
        return;
    if (m_regionJob || (m_wholeJob && m_wholeInPlace))
        return;
    const Part part = regionFirst();
    const bool regionShown = m_regionShown == m_generation;
    const bool covered = regionShown && m_shown.region.contains(part.region) && m_shown.step <= part.step;
    if (!part.region.isEmpty() && !covered) {
        // New values, or the view moved to pixels (or zoomed in to a detail)
        // the whole-image pass has not reached yet.
        start(Pass::Region, part);
        return;
    }
    if (m_wholeJob)
        return; // this generation's, or an older one that must end first
    if (!regionShown)
        start(Pass::WholeInPlace, {});
    else
        start(m_traits.pointwise ? Pass::WholeInBands : Pass::WholeInScratch, {});
}

void FilterPreview::start(Pass pass, const Part &part)
{
    auto filter = m_filter;
    const Image image = m_image;
    const Image before = m_before;
    const ParamValues values = *m_wanted;
    FilterJob::Work work;
    switch (pass) {
    case Pass::Region: {
        const PixelRect target = toPixelRect(part.region);
        if (part.step > 1)
            work = [filter, image, before, values, target, step = part.step,
                    commit = m_commit](FilterContext &context) {
                runFilterDraft(*filter, before, image, target, step, values, context, commit.get());
            };
        else
            work = [filter, image, before, values, target, margin = margin(),
                    commit = m_commit](FilterContext &context) {
                runFilterOnRegion(*filter, before, image, target, values, context, margin, commit.get());
            };
        break;
    }
    case Pass::WholeInScratch:
        // The whole image: there is no margin to add.
        work = [filter, image, before, values, commit = m_commit](FilterContext &context) {
            runFilterOnRegion(*filter, before, image, {0, 0, image.width(), image.height()}, values, context, 0,
                              commit.get());
        };
        break;
    case Pass::WholeInBands:
        work = [filter, image, before, values, commit = m_commit](FilterContext &context) {
            runPointwiseInBands(*filter, before, image, values, context, commit.get());
        };
        break;
    case Pass::WholeInPlace:
        // Starts from the original; a cancel or failure puts it back.
        work = [filter, image, before, values](FilterContext &context) {
            image.copyPixelsFrom(before);
            runFilter(*filter, image, values, context, &before);
        };
        break;
    }
    // These write the image as they go: what they wrote before a failure
    // or a stop is taken back, and the live repaint shows their progress.
    const bool writesAsItGoes = pass == Pass::WholeInPlace || pass == Pass::WholeInBands;
    if (writesAsItGoes)
        m_touched = true;
    auto job = std::make_unique<FilterJob>(m_filter, std::move(work));
    const int generation = m_generation;
    connect(job.get(), &FilterJob::finished, this,
            [this, pass, generation, part](bool ok, bool cancelled, const QString &error) {
                onFinished(pass, generation, part, ok, cancelled, error);
            });
    if (pass == Pass::Region) {
        ++m_regionPasses;
        if (part.step > 1)
            ++m_draftPasses;
        m_regionJob = std::move(job);
        m_regionJob->start();
    } else {
        ++m_wholePasses;
        m_wholeInPlace = pass == Pass::WholeInPlace;
        m_wholeJob = std::move(job);
        // A scratch pass writes the image once, at the end (repainted in
        // onFinished): live repaints meanwhile would find nothing and cost
        // the filter time.
        if (writesAsItGoes)
            m_wholeEdit = LiveEdit(m_viewer);
        m_wholeJob->start();
    }
}

void FilterPreview::onFinished(Pass pass, int generation, const Part &part, bool ok, bool cancelled,
                               const QString &error)
{
    if (pass == Pass::Region)
        m_regionJob.reset();
    else
        m_wholeJob.reset();
    if (pass != Pass::Region && m_wholeEdit.isActive())
        m_wholeEdit.release(); // repaints the finished (or restored) pixels
    else if (ok)
        LiveEdit(m_viewer).release(); // shows the one write, the commit
    // ok means the pass wrote its result (a cancel before the commit throws).
    if (ok)
        m_touched = true;
    const bool newest = m_wanted && generation == m_generation;
    if (newest && ok && pass == Pass::Region) {
        m_regionShown = generation;
        m_shown = part;
        Q_EMIT regionShown();
    } else if (newest && ok) {
        m_done = generation;
        Q_EMIT finished(true, {});
    } else if (newest && !cancelled) {
        // Show the original rather than an older preview the values on
        // screen did not make (older passes were cancelled: they cannot
        // write after this).
        m_failed = generation;
        restoreOriginal();
        Q_EMIT finished(false, error);
    }
    pump();
}

void FilterPreview::stop(bool restore)
{
    m_wanted.reset();
    cancelAll();
    // A cancelled in-place pass restores `before` itself; a region or
    // scratch pass cancelled before its commit wrote nothing.
    m_regionJob.reset();
    m_wholeJob.reset();
    m_wholeEdit.release();
    if (restore)
        restoreOriginal();
    m_regionShown = m_done = m_failed = -1;
}

void FilterPreview::restoreOriginal()
{
    if (!m_touched)
        return;
    // Putting the original back is a write like any other.
    LiveEdit restoring(m_viewer);
    m_image.copyPixelsFrom(m_before);
    m_image.markChanged();
    m_touched = false;
}

} // namespace livepix::gui
