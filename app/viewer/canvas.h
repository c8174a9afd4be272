#pragma once
// Canvas: the widget that shows the current document's pixels.
#include <QElapsedTimer>
#include <QPixmap>
#include <QTimer>
#include <QPoint>
#include <QPointF>
#include <QImage>
#include <QWidget>

#include "viewer/boxreductionjob.h"
#include "viewer/comparedifference.h"
#include "viewer/displaypipeline.h"
#include "viewer/displaysettings.h"
#include "viewer/preparedlevels.h"

class QPainter;

namespace livepix::gui {

class Document;
class Viewer;

/// Shows Viewer::current() through a DisplayPipeline: alpha over a
/// checkerboard, smooth when zoomed out, nearest-neighbour when zoomed in
/// (with a pixel grid from GridScale on). Zoom with the wheel (around the
/// cursor) or keys, pan by dragging or with the arrow keys.
///
/// Keys (when the canvas has focus): + / - zoom, 1 or Ctrl+0 actual size,
/// F or 0 fit, arrows pan, [ and ] exposure -/+ 1/2 stop, { and } (Shift+[ ])
/// gamma -/+ 0.1, R resets exposure and gamma (all of the current document),
/// C / Shift+C next / previous channel (channelChoices), L auto levels
/// (min/max), Shift+L auto levels (percentile 0.1 / 99.9).
///
/// The document is drawn with its DisplaySettings (levels, colormap,
/// channel...) through the DisplayPipeline, in drawDocument().
///
/// Repaints on Viewer::pixelsChanged with update(), which Qt coalesces into
/// at most one paint per event-loop pass however often the signal fires;
/// only the rows the write tracker names when it names them (an edit of a
/// small patch repaints a band of the view, not all of it).
///
/// Smooth frames below 1:1 are area averaged to display resolution
/// (DisplayPipeline::Reduction::Box) and drawn 1:1.
///
/// Draft frames: while pixels change in a stream (a loop animating, a filter
/// running: signals less than StreamGapMs apart), zoomed-out frames sample
/// every step-th pixel (Reduction::Draft) and are scaled with
/// nearest-neighbour, so each edit reaches the screen sooner. RefineDelayMs
/// after the last change one smooth frame follows. A single edit is never a
/// draft. Zooming and panning a huge image draw drafts the same way (see
/// LargeReductionPixels), so the view follows the mouse.
///
/// Compare (DisplaySettings::compareMode of the current document, with
/// another open document as reference B): split wipe (A left of a divider
/// drawn over the view, B right; drag near the divider to move it), blink
/// (B toggles A/B; Space stays free for folder browsing) and the difference
/// modes (the difference image, sampled at display resolution by a
/// DifferenceCache, shown through the document's levels and colormap). B is
/// drawn top-left aligned with A, at A's zoom and pan.
///
/// Threading: GUI thread only.
class Canvas : public QWidget {
    Q_OBJECT
public:
    static constexpr double GridScale = 8.0;
    static constexpr int StreamGapMs = 100;
    static constexpr int RefineDelayMs = 120;
    /// A smooth frame that must reduce more image pixels than this from
    /// scratch (a huge image opened, zoomed or panned) is drawn as a draft
    /// first; RefineDelayMs after the view stops its level is reduced off
    /// the GUI thread (BoxReductionJob), drafts meanwhile, and the smooth
    /// frame follows when it is ready.
    static constexpr double LargeReductionPixels = 16.0 * 1024 * 1024;

    explicit Canvas(Viewer *viewer, QWidget *parent = nullptr);

    Viewer *viewer() const { return m_viewer; }
    /// Display pixels per image pixel, as currently shown (also in fit mode).
    double scale() const;
    /// The scale that fits an image of `size` in the canvas (what scale()
    /// is when fitted).
    double fitScale(const QSize &size) const;
    /// Widget position of the image's top-left corner.
    QPointF origin() const;
    QPointF imageToWidget(const QPointF &p) const;
    QPointF widgetToImage(const QPointF &p) const;
    /// The image pixels on screen (partly covered ones included), clipped to
    /// the image; empty when no image is shown.
    QRect visibleImageRect() const;
    /// Image pixels one device pixel spans across (above 1 zoomed out);
    /// 0 when no image is shown.
    double imagePixelsPerDevicePixel() const;

    /// Zooms to `scale` keeping the image point under `anchor` (widget
    /// coordinates) where it is.
    void zoomAround(double scale, const QPointF &anchor);
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomActualSize();
    void panBy(const QPointF &delta);

    /// Number of completed paint events (lets batch runs and tests wait for
    /// a real repaint).
    int paintCount() const { return m_paintCount; }
    /// True when the viewer's pixels changed on screen since the last paint
    /// and the canvas is shown (a paint is on its way). Changes to rows off
    /// screen owe no frame.
    bool owesFrame() const { return m_owesFrame && isVisible(); }
    /// Size of the image shown, in image pixels; empty when none is.
    QSize imageSize() const;
    /// True while frames are drafts (see the class comment).
    bool isDraft() const { return m_draft; }
    /// True while a huge view's smooth level is reduced in the background.
    bool isReducing() const { return m_boxJob && !m_boxJob->isFinished(); }
    /// Ends draft frames now (e.g. before a screenshot); the next paint is smooth.
    void finishDraft();
    /// What the canvas shows now, as a final (smooth) frame, rendered
    /// afresh from the current pixels (screenshots).
    QImage grabShown();
    const DisplayPipeline &pipeline() const { return m_pipeline; }
    /// Levels of the prefetched neighbours, made ahead (tests read it).
    const PreparedLevels &preparedLevels() const { return m_prepared; }
    /// The sampled difference drawn in a difference compare mode (tests read it).
    const DifferenceCache &differenceCache() const { return m_differenceCache; }
    /// Widget x of the split-wipe divider.
    double splitDividerX() const;

    QSize sizeHint() const override { return {1024, 640}; }

    static QColor checkerLight() { return QColor(0x99, 0x99, 0x99); }
    static QColor checkerDark() { return QColor(0x66, 0x66, 0x66); }
    static QColor background() { return QColor(0x2b, 0x2b, 0x2b); }

Q_SIGNALS:
    void painted();
    /// A huge view's smooth level started to be reduced off the GUI thread.
    void backgroundReductionStarted();
    /// The image pixel under the mouse; inside is false when it left the image.
    void hoveredPixelChanged(const QPoint &pixel, bool inside);
    void scaleChanged(double scale);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    void onCurrentChanged(Document *document);
    void onPixelsChanged();
    /// What Viewer::pixelsChanged asks to repaint: the widget rows of the
    /// image rows the current document's tracker named
    /// (Document::rowsOfLastBump()), else the whole widget.
    QRegion changedRegion() const;
    void onViewSettingsChanged();
    void centerImage();
    void clampPan();
    void reportHover(const QPointF &widgetPos);
    /// Draws the current document's pixels (display settings applied) into `visible` (widget coordinates).
    void drawDocument(QPainter &painter, const Image &image, const QRectF &visible);
    void cycleChannel(int delta);
    /// Decides whether this paint of a huge view is a draft (see
    /// LargeReductionPixels) and starts the background reduction.
    void planHugeView(const Image &image, const QRectF &visible, double scale, const QPointF &origin);
    /// Starts the level `image` will first be drawn with, should it be opened next (PreparedLevels).
    void prepareLevel(const Image &image);
    void onBoxJobFinished();

    // Compare drawing and interaction (kept apart from the single-image path).
    Document *compareReference() const;
    void watchCompare(Document *document);
    bool paintCompare(QPainter &painter);
    void drawLayer(QPainter &painter, DisplayPipeline &pipeline, const Image &image, const DisplaySettings &settings,
                   const QRectF &clip, double scale, const QPointF &origin);
    void drawDifference(QPainter &painter, const Image &a, const Image &b, const DisplaySettings &settings,
                        const QRectF &clip);
    void drawSplitDivider(QPainter &painter, double x);
    bool compareMousePress(QMouseEvent *event);
    bool compareMouseMove(QMouseEvent *event);
    bool compareKeyPress(QKeyEvent *event);

    Viewer *m_viewer;
    Document *m_document = nullptr;
    DisplayPipeline m_pipeline;
    QPixmap m_checker;
    QPointF m_origin;          // widget position of image (0, 0) when not fitted
    double m_lastZoom = 0.0;   // viewer zoom this canvas laid out for
    double m_shownScale = 0.0; // scale and origin of the last painted frame
    QPointF m_shownOrigin;
    bool m_settingZoom = false;
    bool m_dragging = false;
    QPoint m_dragLast;
    QPoint m_lastHover{-1, -1};
    int m_paintCount = 0;
    bool m_draft = false;
    bool m_owesFrame = false; // pixelsChanged since the last paint
    bool m_grabbingFinal = false; // inside grabShown(): the frame must be smooth
    QRect m_paintRect;            // the bounds of the paint event being handled (drawLayer draws only there)
    std::unique_ptr<BoxReductionJob> m_boxJob; // a huge view's level, reduced off the GUI thread
    PreparedLevels m_prepared; // of the images the folder browser prefetched
    QElapsedTimer m_lastPixelsChange; // when Viewer::pixelsChanged last fired
    QTimer m_refineTimer;             // single shot: the smooth frame after a stream
    DisplayPipeline m_comparePipeline; // B (split, blink) or the difference image
    DifferenceCache m_differenceCache;
    bool m_draggingDivider = false;
};

} // namespace livepix::gui
