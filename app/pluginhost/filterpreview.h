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
    };
    Part regionFirst() const;
    /// Pixels around a region its pass gives the filter.
    int margin() const;
    void pump();
    void start(Pass pass, const Part &part);
    void onFinished(Pass pass, int generation, const Part &part, bool ok, bool cancelled, const QString &error);
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
