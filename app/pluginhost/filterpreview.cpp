#include "pluginhost/filterpreview.h"

#include <livepix/filterregion.h>
#include <livepix/filterrun.h>

#include "pluginhost/filterjob.h"

#include <QElapsedTimer>

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

long long FilterPreview::pixelsFor(const Part &part) const
{
    if (part.region.isEmpty())
        return static_cast<long long>(m_image.width()) * m_image.height();
    const long long area = toPixelRect(part.region).grownWithin(margin(), m_image.width(), m_image.height()).area();
    return area / (static_cast<long long>(part.step) * part.step);
}

double FilterPreview::lengthFactor(const ParamValues &measured) const
{
    double factor = 1.0;
    for (const std::string &name : m_traits.lengths) {
        if (!m_wanted->contains(name) || !measured.contains(name))
            continue;
        const double now = m_wanted->toDouble(name), then = measured.toDouble(name);
        if (now <= 0 || then <= 0)
            continue;
        const double k = now / then;
        factor *= k;
    }
    return factor;
}

FilterPreview::Part FilterPreview::draftFirst(const Part &next) const
{
    if (m_traits.pointwise || m_traits.lengths.empty() || m_draftFailed == m_generation || !m_visibleRegion)
        return {};
    if (m_exactNsPerPixel >= 0 &&
        m_exactNsPerPixel * lengthFactor(m_exactMeasured) * double(pixelsFor(next)) <= DraftAboveMs * 1e6)
        return {}; // the exact pass is quick enough
    const ScreenView view = m_visibleRegion();
    if (view.pixels.isEmpty())
        return {};
    // At least the screen's resolution (finer would not show), at least
    // every other pixel (a draft at 1:1 is the exact pass), and coarser
    // when the last draft's speed says the budget needs it.
    const int screenStep = std::max(1, int(std::floor(view.imagePixelsPerScreenPixel + 1e-6)));
    int step = std::max(2, screenStep);
    if (m_draftNsPerPixel >= 0) {
        const double expectedAtOne =
            m_draftNsPerPixel * lengthFactor(m_draftMeasured) * double(pixelsFor({view.pixels, 1})) / 1e6; // ms
        step = std::max(step, int(std::ceil(std::sqrt(expectedAtOne / DraftBudgetMs))));
    }
    step = std::min(step, MaxDraftStep);
    // Blocks of two screen pixels and more would show: interpolate those
    // (it costs more than filling blocks, about one filter pass's worth of
    // writes, so not for blocks hardly larger than a screen pixel).
    return {view.pixels, step, step >= 2 * screenStep};
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
    if (!regionShown) {
        const Part draft = draftFirst(part);
        if (!draft.region.isEmpty()) {
            start(Pass::Region, draft);
            return;
        }
    }
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
            work = [filter, image, before, values, target, step = part.step, traits = m_traits,
                    fill = part.smooth ? DraftFill::Smooth : DraftFill::Blocks,
                    commit = m_commit](FilterContext &context) {
                runFilterDraft(*filter, before, image, target, step, values, traits, context, commit.get(), fill);
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
    QElapsedTimer clock;
    clock.start();
    connect(job.get(), &FilterJob::finished, this,
            [this, pass, generation, part, clock](bool ok, bool cancelled, const QString &error) {
                onFinished(pass, generation, part, double(clock.nsecsElapsed()) / 1e6, ok, cancelled, error);
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

void FilterPreview::onFinished(Pass pass, int generation, const Part &part, double ms, bool ok, bool cancelled,
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
    const bool draft = pass == Pass::Region && part.step > 1;
    const bool reducedDraft = draft && !m_traits.pointwise;
    if (newest && ok && (!draft || reducedDraft)) {
        // Speeds for draftFirst(): the whole passes and exact regions alike.
        const long long pixels = std::max(1LL, pixelsFor(pass == Pass::Region ? part : Part{}));
        (reducedDraft ? m_draftNsPerPixel : m_exactNsPerPixel) = ms * 1e6 / double(pixels);
        (reducedDraft ? m_draftMeasured : m_exactMeasured) = *m_wanted;
    }
    if (newest && reducedDraft && !ok && !cancelled) {
        m_draftFailed = generation; // the exact pass says what is wrong, if anything
        pump();
        return;
    }
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
