#pragma once
// FilterPreview: the parameter dialog's live preview, the part on screen first.
#include <QObject>
#include <QRect>
#include <QString>

#include <livepix/filter.h>
#include <livepix/filtertraits.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "viewer/liveedit.h"

namespace livepix::gui {

class FilterJob;
class Viewer;

/// Shows a filter's result for the dialog's current values in the image
/// itself, always computed from `before` (the pixels when the dialog
/// opened), on worker threads, while the canvas repaints.
///
/// When only part of the image is on screen (zoomed in), each new set of
/// values runs in two passes: the visible region first, with
/// DefaultRegionMargin pixels around it so neighbourhood filters are exact
/// there (runFilterOnRegion), written into the image as soon as it is done;
/// then the whole image in a scratch copy, written over everything when it
/// is done. When the region with its margin is half the image or more (at
/// fit, most of the time) the whole image runs in one pass in place, as the
/// repaint shows it going. Panning or zooming to other pixels while the
/// whole-image pass runs computes them first too (viewChanged()).
///
/// A pointwise filter (FilterTraits) needs no margin, and zoomed out, where
/// one screen pixel spans step x step image pixels, its first pass is a
/// draft: one pixel per screen pixel, each filling its block
/// (runFilterDraft), 1/step² of the work. At fit on a 4K image that is
/// what a 1:1 view costs. The whole image follows band by band, each band
/// in a scratch of its own and written when done (no scratch of the whole
/// image).
///
/// A slow filter that declares lengths (FilterTraits: a blur's sigma, a
/// median's size) shows a draft from a reduced image first: the part on
/// screen reduced by area, filtered with the lengths reduced alike
/// (runFilterDraft; interpolated when its blocks span two screen pixels or
/// more, so no blocks show), then the exact passes above. "Slow" and "how reduced"
/// are measured, not guessed: a draft comes first when the next exact pass,
/// at the last exact pass's speed per pixel, would take more than
/// DraftAboveMs (or nothing was measured yet); it is at the screen's
/// resolution or coarser, so that at the last draft's speed per pixel it
/// takes at most about DraftBudgetMs. Both speeds are scaled by how the
/// lengths changed since they were measured (lengthFactor()), so dragging a
/// sigma from 2 to 20 gets a draft at once. A draft that fails is
/// skipped (its reduced lengths may be what the filter refuses); the exact
/// pass then says what is wrong.
///
/// The newest values win: show() cancels the runs for older ones. A filter
/// that does not notice a cancel (one OpenImageIO or OpenCV call) may keep
/// its worker busy; a newer region pass then runs beside an older
/// whole-image pass, and a shared commit mutex with a last cancel check
/// (runFilterOnRegion) keeps the older from writing over the newer. At most
/// one region pass and one whole-image pass run at a time, and an in-place
/// pass runs alone.
///
/// Threading: GUI thread only; the passes run in FilterJobs.
class FilterPreview : public QObject {
    Q_OBJECT
public:
    /// A pointwise filter's whole-image pass runs in bands of about this
    /// many bytes (the write tracker's chunk size).
    static constexpr std::size_t PointwiseBandBytes = std::size_t(2) << 20;
    /// An exact pass expected to take longer than this gets a draft first
    /// (for filters with lengths); drafts aim at DraftBudgetMs.
    static constexpr double DraftAboveMs = 80.0;
    static constexpr double DraftBudgetMs = 30.0;
    /// The coarsest draft: one pixel per MaxDraftStep x MaxDraftStep.
    static constexpr int MaxDraftStep = 32;

    /// What the canvas shows: which image pixels (Canvas::visibleImageRect())
    /// and how many image pixels one screen pixel spans (above 1 zoomed
    /// out). A QRect alone means 1:1.
    struct ScreenView {
        ScreenView(QRect shown = {}, double imagePixelsPerScreenPixel = 1.0)
            : pixels(shown), imagePixelsPerScreenPixel(imagePixelsPerScreenPixel)
        {
        }
        QRect pixels;
        double imagePixelsPerScreenPixel;
    };
    using VisibleRegion = std::function<ScreenView()>;

    FilterPreview(std::shared_ptr<const Filter> filter, Image image, Image before, Viewer *viewer,
                  QObject *parent = nullptr);
    /// Cancels and waits for the passes; no repaint (the window may be half
    /// destroyed).
    ~FilterPreview() override;

    /// Where previews start. Unset, or an empty region: the whole image, in place.
    void setVisibleRegion(VisibleRegion region) { m_visibleRegion = std::move(region); }
    /// What the filter declared (FilterRegistry::findEntry()); pointwise
    /// allows drafts and no margin.
    void setTraits(FilterTraits traits) { m_traits = traits; }

    /// Shows the result for `values`, cancelling the runs for older values.
    /// The same values again (not failed) change nothing.
    void show(const ParamValues &values);
    /// Cancels the passes and waits for them; with `restore`, puts `before`
    /// back if a preview was written.
    void stop(bool restore);
    /// The view moved (the canvas painted): if it now shows pixels the
    /// whole-image pass has not written yet, they are computed first.
    void viewChanged() { pump(); }

    bool isRunning() const { return m_regionJob || m_wholeJob; }
    /// The whole image holds the finished result for `values`.
    bool isCurrent(const ParamValues &values) const;
    /// Passes started so far (tests and the benchmark tell the paths apart);
    /// a draft counts as a region pass, and draftPasses() counts it too.
    int regionPasses() const { return m_regionPasses; }
    int draftPasses() const { return m_draftPasses; }
    int wholePasses() const { return m_wholePasses; }

Q_SIGNALS:
    /// The region on screen shows the result for the newest values (a
    /// pointwise filter's draft, zoomed out); the whole image follows.
    void regionShown();
    /// The newest values' run ended: ok, the whole image holds the result;
    /// otherwise `error` says why (a failed run's pixels are restored).
    /// Runs cancelled for newer values or by stop() do not report.
    void finished(bool ok, const QString &error);

private:
    /// Region: the part on screen (or its draft). The whole image after a
    /// region pass: in a scratch copy written at the end, or, for a
    /// pointwise filter, band by band. With nothing shown yet: in place.
    enum class Pass { Region, WholeInScratch, WholeInBands, WholeInPlace };
    /// What a region pass covers: `region` at one pixel in `step` x `step`
    /// (a draft when step > 1). An empty region: no region pass.
    struct Part {
        QRect region;
        int step = 1;
        /// Interpolated (DraftFill::Smooth): a draft with blocks of two
        /// screen pixels or more.
        bool smooth = false;
    };
    Part regionFirst() const;
    /// A draft from a reduced image to show before `next` (the part
    /// regionFirst() gave; empty: the whole image), or an empty Part when
    /// none is due (see the class comment).
    Part draftFirst(const Part &next) const;
    /// Pixels the filter gets for `part` (the region and its margin, or the
    /// whole image), at one in step x step.
    long long pixelsFor(const Part &part) const;
    /// How much more a pass with the newest values may cost per pixel than
    /// one with `measured`: a length grown or shrunk k times counts k (a
    /// separable kernel's width; a square window's area would be k², a
    /// histogram median's cost hardly moves). Only a guess until the pass
    /// with those values is timed.
    double lengthFactor(const ParamValues &measured) const;
    /// Pixels around a region its pass gives the filter.
    int margin() const;
    void pump();
    void start(Pass pass, const Part &part);
    void onFinished(Pass pass, int generation, const Part &part, double ms, bool ok, bool cancelled,
                    const QString &error);
    void cancelAll();
    /// Copies `before` back into the image if a preview wrote into it.
    void restoreOriginal();

    std::shared_ptr<const Filter> m_filter;
    Image m_image;
    Image m_before;
    Viewer *m_viewer;
    VisibleRegion m_visibleRegion;
    FilterTraits m_traits;
    /// Held while a region pass or a scratch pass copies its result into
    /// the image (see the class comment). Shared with the workers.
    std::shared_ptr<std::mutex> m_commit = std::make_shared<std::mutex>();

    std::optional<ParamValues> m_wanted; ///< the newest values (none after stop())
    int m_generation = 0;                ///< counts show() calls that changed m_wanted
    int m_regionShown = -1;              ///< generation whose region is on screen...
    Part m_shown;                        ///< ...and that region (the last one)
    int m_done = -1;                     ///< generation whose whole result is in the image
    int m_failed = -1;                   ///< generation whose run failed
    int m_draftFailed = -1;              ///< generation whose draft from a reduced image failed
    /// Measured: ns per pixel of the last exact pass (region or whole) and
    /// of the last draft from a reduced image (per reduced pixel); < 0 none yet.
    double m_exactNsPerPixel = -1.0;
    double m_draftNsPerPixel = -1.0;
    ParamValues m_exactMeasured; ///< the values m_exactNsPerPixel was measured with
    ParamValues m_draftMeasured; ///< the values m_draftNsPerPixel was measured with
    bool m_touched = false;              ///< a preview wrote into the image since `before`

    std::unique_ptr<FilterJob> m_regionJob;
    std::unique_ptr<FilterJob> m_wholeJob;
    bool m_wholeInPlace = false;
    LiveEdit m_wholeEdit; ///< held while an in-place pass runs (live repaint)
    int m_regionPasses = 0;
    int m_draftPasses = 0;
    int m_wholePasses = 0;
};

} // namespace livepix::gui
