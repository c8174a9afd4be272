#include "viewer/canvas.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QRegion>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "display/channelgroups.h"
#include "viewer/comparecontroller.h"
#include "viewer/comparemode.h"
#include "viewer/document.h"
#include "viewer/prefetchcache.h"
#include "viewer/viewer.h"

namespace livepix::gui {

namespace {

constexpr double ZoomStep = 1.25;
constexpr double MinScale = 1.0 / 256.0;
constexpr double MaxScale = 256.0;

QPixmap makeChecker()
{
    const int square = 8;
    QPixmap pixmap(2 * square, 2 * square);
    QPainter p(&pixmap);
    p.fillRect(0, 0, 2 * square, 2 * square, Canvas::checkerLight());
    p.fillRect(square, 0, square, square, Canvas::checkerDark());
    p.fillRect(0, square, square, square, Canvas::checkerDark());
    return pixmap;
}

} // namespace

Canvas::Canvas(Viewer *viewer, QWidget *parent) : QWidget(parent), m_viewer(viewer), m_checker(makeChecker())
{
    // Every pixel is painted in paintEvent, so Qt need not clear first.
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAcceptDrops(false); // the main window takes drops
    setToolTip(tr("Wheel: zoom at cursor · drag: pan · +/-: zoom · 1: 1:1 · F: fit\n"
                  "[ ]: exposure · { }: gamma · R: reset exposure and gamma\n"
                  "C / Shift+C: next / previous channel · L: auto levels (Shift+L: percentile)"));
    m_lastZoom = viewer->zoom();
    connect(viewer, &Viewer::currentChanged, this, &Canvas::onCurrentChanged);
    PrefetchCache *prefetch = viewer->prefetchCache();
    connect(prefetch, &PrefetchCache::loaded, this, [this, prefetch](const QString &path) {
        prepareLevel(prefetch->peek(path));
    });
    connect(viewer, &Viewer::viewSettingsChanged, this, &Canvas::onViewSettingsChanged);
    // update(), not repaint(): Qt merges any number of requests into one
    // paint per event-loop pass, so a script signalling at 1 kHz costs one
    // frame per pass, not 1000 paints.
    connect(viewer, &Viewer::pixelsChanged, this, &Canvas::onPixelsChanged);
    m_refineTimer.setSingleShot(true);
    m_refineTimer.setInterval(RefineDelayMs);
    connect(&m_refineTimer, &QTimer::timeout, this, &Canvas::finishDraft);
    onCurrentChanged(viewer->current());
}

void Canvas::onPixelsChanged()
{
    const bool stream = m_lastPixelsChange.isValid() && m_lastPixelsChange.elapsed() < StreamGapMs;
    m_lastPixelsChange.restart();
    const bool wasDraft = m_draft;
    if (stream) {
        m_draft = true;
        m_refineTimer.start(); // restarts: the smooth frame waits for the stream to pause
    }
    if (m_draft != wasDraft) {
        m_owesFrame = true;
        update(); // smooth to draft: every pixel of the view changes
        return;
    }
    // Rows that changed off screen need no frame, and none comes (Qt
    // drops an empty update): owing one would keep a unit of work's frame
    // gate, and anyone waiting for the frame, waiting for the next
    // unrelated paint.
    const QRegion changed = changedRegion();
    if (changed.isEmpty())
        return;
    m_owesFrame = true;
    update(changed);
}

QRegion Canvas::changedRegion() const
{
    // Compare modes draw the reference and differences too: all of it.
    if (!m_document || compareReference())
        return rect();
    const std::optional<std::vector<std::pair<int, int>>> rows = m_document->rowsOfLastBump();
    if (!rows)
        return rect();
    // Whole widget rows: a tracked change covers whole image rows. The
    // margin takes the rounding of levels and drafts to device pixels and
    // the smooth scaling of a frame that is not exact (one source pixel
    // either side).
    constexpr int MarginPx = 3;
    const double s = scale();
    const double top = origin().y();
    QRegion region;
    for (const auto &[first, last] : *rows) {
        const int y0 = int(std::floor(top + first * s)) - MarginPx;
        const int y1 = int(std::ceil(top + last * s)) + MarginPx;
        region += QRect(0, y0, width(), y1 - y0).intersected(rect());
    }
    return region;
}

void Canvas::finishDraft()
{
    m_refineTimer.stop();
    if (!m_draft)
        return;
    m_draft = false;
    update();
}

QImage Canvas::grabShown()
{
    finishDraft();
    m_grabbingFinal = true; // not even a huge new view becomes a draft
    const QImage shot = grab().toImage();
    m_grabbingFinal = false;
    return shot;
}

QSize Canvas::imageSize() const
{
    if (!m_document || m_document->image().isNull())
        return {};
    return {m_document->image().width(), m_document->image().height()};
}

double Canvas::fitScale(const QSize &size) const
{
    if (size.isEmpty())
        return 1.0;
    const double s = std::min(double(width()) / size.width(), double(height()) / size.height());
    return std::clamp(s, MinScale, MaxScale);
}

double Canvas::scale() const
{
    const QSize size = imageSize();
    if (size.isEmpty())
        return 1.0;
    return m_viewer->fitToWindow() ? fitScale(size) : m_viewer->zoom();
}

void Canvas::prepareLevel(const Image &image)
{
    // A document opens fitted (Viewer::finishLoadedJobs), with the display
    // settings the viewer gives new documents: the level its first smooth
    // frame will ask for, unless the window changes size before.
    if (image.isNull() || !isVisible())
        return;
    const double scale = fitScale(QSize(image.width(), image.height())) * devicePixelRatioF();
    m_prepared.prepare(image, scale, DisplayPipeline::boxAlpha(image, m_viewer->displaySettingsForNew(image)));
}

QPointF Canvas::origin() const
{
    const QSize size = imageSize();
    const double s = scale();
    QPointF o = m_origin;
    // Centre along an axis where the image is smaller than the view (and
    // always when fitted); otherwise keep the view covered.
    const double w = size.width() * s;
    const double h = size.height() * s;
    if (m_viewer->fitToWindow() || w <= width())
        o.setX((width() - w) / 2.0);
    else
        o.setX(std::clamp(o.x(), width() - w, 0.0));
    if (m_viewer->fitToWindow() || h <= height())
        o.setY((height() - h) / 2.0);
    else
        o.setY(std::clamp(o.y(), height() - h, 0.0));
    // Whole device pixels keep 1:1 and integer zooms crisp.
    return {std::round(o.x()), std::round(o.y())};
}

QPointF Canvas::imageToWidget(const QPointF &p) const { return origin() + p * scale(); }

QPointF Canvas::widgetToImage(const QPointF &p) const { return (p - origin()) / scale(); }

QRect Canvas::visibleImageRect() const
{
    const QSize size = imageSize();
    if (size.isEmpty() || scale() <= 0.0)
        return {};
    const QPointF topLeft = widgetToImage(QPointF(0, 0));
    const QPointF bottomRight = widgetToImage(QPointF(width(), height()));
    const QPoint first(int(std::floor(topLeft.x())), int(std::floor(topLeft.y())));
    const QPoint last(int(std::ceil(bottomRight.x())) - 1, int(std::ceil(bottomRight.y())) - 1);
    return QRect(first, last).intersected(QRect(QPoint(0, 0), size));
}

double Canvas::imagePixelsPerDevicePixel() const
{
    const double s = scale() * devicePixelRatioF();
    return imageSize().isEmpty() || s <= 0.0 ? 0.0 : 1.0 / s;
}

void Canvas::zoomAround(double newScale, const QPointF &anchor)
{
    if (imageSize().isEmpty())
        return;
    newScale = std::clamp(newScale, MinScale, MaxScale);
    const QPointF imagePoint = widgetToImage(anchor);
    m_origin = anchor - imagePoint * newScale;
    m_settingZoom = true;
    m_viewer->setZoom(newScale);
    m_settingZoom = false;
    m_lastZoom = m_viewer->zoom();
    m_origin = origin(); // store the clamped position
    update();
    Q_EMIT scaleChanged(scale());
}

void Canvas::zoomIn() { zoomAround(scale() * ZoomStep, rect().center()); }

void Canvas::zoomOut() { zoomAround(scale() / ZoomStep, rect().center()); }

void Canvas::zoomToFit() { m_viewer->setZoom(0.0); }

void Canvas::zoomActualSize() { zoomAround(1.0, rect().center()); }

void Canvas::panBy(const QPointF &delta)
{
    if (imageSize().isEmpty())
        return;
    if (m_viewer->fitToWindow()) {
        // Leave fit mode at the same scale so the pan can take effect.
        m_origin = origin();
        m_settingZoom = true;
        m_viewer->setZoom(scale());
        m_settingZoom = false;
        m_lastZoom = m_viewer->zoom();
    }
    m_origin = origin() + delta;
    m_origin = origin();
    update();
}

void Canvas::onCurrentChanged(Document *document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_shownScale = 0.0;
    m_boxJob.reset(); // a level of the last document is of no use (and would keep its pixels alive)
    if (document) {
        connect(document, &Document::imageReplaced, this, qOverload<>(&QWidget::update));
        connect(document, &Document::displaySettingsChanged, this, qOverload<>(&QWidget::update));
        connect(document, &QObject::destroyed, this, [this, document] {
            if (m_document == document)
                m_document = nullptr;
        });
    }
    watchCompare(document);
    centerImage();
    m_lastHover = {-1, -1};
    update();
    Q_EMIT scaleChanged(scale());
}

void Canvas::centerImage()
{
    const QSize size = imageSize();
    const double s = scale();
    m_origin = QPointF((width() - size.width() * s) / 2.0, (height() - size.height() * s) / 2.0);
}

void Canvas::onViewSettingsChanged()
{
    const double zoom = m_viewer->zoom();
    if (!m_settingZoom && zoom != m_lastZoom) {
        // Zoom set from elsewhere (menu, Python): keep the image point at
        // the view centre where it was in the last frame shown.
        if (zoom > 0.0 && m_shownScale > 0.0) {
            const QPointF centre = QPointF(width(), height()) / 2.0;
            const QPointF imagePoint = (centre - m_shownOrigin) / m_shownScale;
            m_origin = centre - imagePoint * zoom;
        } else if (zoom > 0.0) {
            centerImage();
        }
        m_lastZoom = zoom;
        Q_EMIT scaleChanged(scale());
    }
    update();
}

void Canvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_viewer->fitToWindow())
        Q_EMIT scaleChanged(scale());
}

void Canvas::paintEvent(QPaintEvent *event)
{
    m_paintRect = event->rect();
    m_owesFrame = false;
    QPainter painter(this);
    const Image image = m_document ? m_document->image() : Image();
    if (image.isNull()) {
        painter.fillRect(rect(), background());
        painter.setPen(QColor(0x90, 0x90, 0x90));
        painter.drawText(rect(), Qt::AlignCenter, tr("Open an image (Ctrl+O) or drop one here"));
        ++m_paintCount;
        Q_EMIT painted();
        return;
    }
    if (paintCompare(painter)) {
        m_shownScale = scale();
        m_shownOrigin = origin();
        ++m_paintCount;
        Q_EMIT painted();
        return;
    }

    const double s = scale();
    const QPointF o = origin();
    const QRectF imageRect(o, QSizeF(image.width() * s, image.height() * s));
    const QRectF visible = imageRect.intersected(QRectF(rect()));

    // Background only where the image does not cover whole pixels.
    const QRect inner(QPoint(int(std::ceil(visible.left())), int(std::ceil(visible.top()))),
                      QPoint(int(std::floor(visible.right())) - 1, int(std::floor(visible.bottom())) - 1));
    const QRegion backgroundRegion = QRegion(rect()).subtracted(QRegion(inner));
    for (const QRect &r : backgroundRegion)
        painter.fillRect(r, background());

    if (!visible.isEmpty()) {
        const bool wasDraft = m_draft;
        planHugeView(image, visible, s, o);
        // A part of the view (changedRegion()) drawn as a draft where the
        // rest is smooth: the rest follows in the next frame.
        if (m_draft != wasDraft && event->region() != QRegion(rect()))
            update();
        drawDocument(painter, image, visible);
        if (s >= GridScale) {
            painter.setClipRect(visible);
            painter.setRenderHint(QPainter::Antialiasing, false);
            painter.setPen(QPen(QColor(128, 128, 128, 110), 0));
            const int x0 = int(std::floor((visible.left() - o.x()) / s));
            const int x1 = int(std::ceil((visible.right() - o.x()) / s));
            const int y0 = int(std::floor((visible.top() - o.y()) / s));
            const int y1 = int(std::ceil((visible.bottom() - o.y()) / s));
            for (int x = x0; x <= x1; ++x) {
                const double wx = std::round(o.x() + x * s);
                painter.drawLine(QPointF(wx, visible.top()), QPointF(wx, visible.bottom()));
            }
            for (int y = y0; y <= y1; ++y) {
                const double wy = std::round(o.y() + y * s);
                painter.drawLine(QPointF(visible.left(), wy), QPointF(visible.right(), wy));
            }
        }
    }
    m_shownScale = s;
    m_shownOrigin = o;
    ++m_paintCount;
    Q_EMIT painted();
}

void Canvas::planHugeView(const Image &image, const QRectF &visible, double s, const QPointF &o)
{
    if (m_draft || m_grabbingFinal || s >= 1.0 || (visible.width() / s) * (visible.height() / s) <= LargeReductionPixels)
        return;
    // A new view (opened, zoomed, panned, resized): draft now, and wait for
    // the view to hold still. (The frame after finishDraft() has the same
    // view, so it gets here with viewMoved false.)
    if (s != m_shownScale || o != m_shownOrigin) {
        m_draft = true;
        m_refineTimer.start();
        return;
    }
    // The view holds still: a smooth frame is due. Without a level for this
    // view it would reduce every visible pixel on this thread: do that on
    // the job's thread instead, and draw drafts until it is done.
    const double scale = s * devicePixelRatioF();
    const QRectF visibleInImage((visible.topLeft() - o) / s, visible.size() / s);
    const int alpha = DisplayPipeline::boxAlpha(image, m_document->displaySettings());
    if (m_pipeline.boxReduction().hasGrid(image, scale, visibleInImage, alpha))
        return;
    if (!m_boxJob || !m_boxJob->matches(image, scale, visibleInImage, alpha)) {
        m_boxJob.reset(); // cancels the one for an older view
        m_boxJob = std::make_unique<BoxReductionJob>(image, scale, visibleInImage, alpha, [this] {
            // On the job's thread; ~Canvas destroys the job (joining it)
            // before this object goes, and Qt drops the posted call then.
            QMetaObject::invokeMethod(this, &Canvas::onBoxJobFinished, Qt::QueuedConnection);
        });
        Q_EMIT backgroundReductionStarted();
    }
    m_draft = true;
}

void Canvas::onBoxJobFinished()
{
    if (!m_boxJob || !m_boxJob->isFinished())
        return;
    m_pipeline.adoptBoxReduction(m_boxJob->take());
    m_boxJob.reset();
    finishDraft(); // the next paint finds the level (or, if the view moved meanwhile, starts again)
}

void Canvas::drawDocument(QPainter &painter, const Image &image, const QRectF &visible)
{
    drawLayer(painter, m_pipeline, image, m_document->displaySettings(), visible, scale(), origin());
}

void Canvas::cycleChannel(int delta)
{
    if (!m_document || m_document->image().isNull())
        return;
    const Image &image = m_document->image();
    const std::vector<ChannelChoice> choices = channelChoices(image);
    if (choices.empty())
        return;
    DisplaySettings settings = m_document->displaySettings();
    const int n = int(choices.size());
    const int next = ((currentChannelChoice(image, settings) + delta) % n + n) % n;
    applyChannelChoice(settings, choices[next]);
    m_document->setDisplaySettings(settings);
}

void Canvas::wheelEvent(QWheelEvent *event)
{
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0.0) {
        event->ignore();
        return;
    }
    zoomAround(scale() * std::pow(ZoomStep, notches), event->position());
    reportHover(event->position());
    event->accept();
}

void Canvas::mousePressEvent(QMouseEvent *event)
{
    if (compareMousePress(event))
        return;
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_dragging = true;
        m_dragLast = event->position().toPoint();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void Canvas::mouseMoveEvent(QMouseEvent *event)
{
    if (compareMouseMove(event))
        return;
    if (m_dragging) {
        const QPoint pos = event->position().toPoint();
        panBy(pos - m_dragLast);
        m_dragLast = pos;
    }
    reportHover(event->position());
}

void Canvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_draggingDivider) {
        m_draggingDivider = false;
        event->accept();
        return;
    }
    if (m_dragging) {
        m_dragging = false;
        unsetCursor();
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void Canvas::mouseDoubleClickEvent(QMouseEvent *event)
{
    // Toggle between fit and 1:1 at the clicked point.
    if (m_viewer->fitToWindow() || std::abs(scale() - 1.0) > 1e-9)
        zoomAround(1.0, event->position());
    else
        zoomToFit();
}

void Canvas::keyPressEvent(QKeyEvent *event)
{
    if (compareKeyPress(event))
        return;
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    const double panStep = std::max(16.0, std::min(width(), height()) / 8.0);
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_1:
        zoomActualSize();
        break;
    case Qt::Key_0:
        if (ctrl)
            zoomActualSize();
        else
            zoomToFit();
        break;
    case Qt::Key_F:
        if (ctrl) {
            QWidget::keyPressEvent(event);
            return;
        }
        zoomToFit();
        break;
    case Qt::Key_Left:
        panBy({panStep, 0});
        break;
    case Qt::Key_Right:
        panBy({-panStep, 0});
        break;
    case Qt::Key_Up:
        panBy({0, panStep});
        break;
    case Qt::Key_Down:
        panBy({0, -panStep});
        break;
    case Qt::Key_BracketLeft:
        m_viewer->setExposure(m_viewer->exposure() - 0.5);
        break;
    case Qt::Key_BracketRight:
        m_viewer->setExposure(m_viewer->exposure() + 0.5);
        break;
    case Qt::Key_BraceLeft:
        m_viewer->setGamma(m_viewer->gamma() - 0.1);
        break;
    case Qt::Key_BraceRight:
        m_viewer->setGamma(m_viewer->gamma() + 0.1);
        break;
    case Qt::Key_R:
        if (ctrl) {
            QWidget::keyPressEvent(event);
            return;
        }
        m_viewer->setExposure(0.0);
        m_viewer->setGamma(1.0);
        break;
    case Qt::Key_C:
        if (ctrl) {
            QWidget::keyPressEvent(event);
            return;
        }
        cycleChannel(event->modifiers() & Qt::ShiftModifier ? -1 : 1);
        break;
    case Qt::Key_L:
        if (ctrl) {
            QWidget::keyPressEvent(event);
            return;
        } else {
            AutoLevelsOptions options;
            options.mode = event->modifiers() & Qt::ShiftModifier ? AutoLevelsMode::Percentile : AutoLevelsMode::MinMax;
            options.linked = m_viewer->displaySettings().levelsLinked;
            m_viewer->autoLevels(options);
        }
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void Canvas::leaveEvent(QEvent *event)
{
    QWidget::leaveEvent(event);
    if (m_lastHover != QPoint(-1, -1)) {
        m_lastHover = {-1, -1};
        Q_EMIT hoveredPixelChanged(m_lastHover, false);
    }
}

void Canvas::reportHover(const QPointF &widgetPos)
{
    const QSize size = imageSize();
    const QPointF p = widgetToImage(widgetPos);
    const QPoint pixel(int(std::floor(p.x())), int(std::floor(p.y())));
    const bool inside = pixel.x() >= 0 && pixel.y() >= 0 && pixel.x() < size.width() && pixel.y() < size.height();
    const QPoint reported = inside ? pixel : QPoint(-1, -1);
    if (reported == m_lastHover)
        return;
    m_lastHover = reported;
    Q_EMIT hoveredPixelChanged(reported, inside);
}

// --- Compare ------------------------------------------------------------

namespace {

constexpr double DividerGrabPx = 6.0; // how near the divider a press moves it
constexpr double StripDeviceRows = 64.0;  // rows per drawImage (drawLayer)

/// Whole device pixels of `r` (what a layer paints without blending at its edges).
QRect innerRect(const QRectF &r)
{
    return QRect(QPoint(int(std::ceil(r.left())), int(std::ceil(r.top()))),
                 QPoint(int(std::floor(r.right())) - 1, int(std::floor(r.bottom())) - 1));
}

QRectF layerRect(const QSize &size, double scale, const QPointF &origin, const QRectF &clip)
{
    return QRectF(origin, QSizeF(size.width() * scale, size.height() * scale)).intersected(clip);
}

} // namespace

Document *Canvas::compareReference() const
{
    return m_document ? CompareController::forViewer(m_viewer)->referenceOf(m_document) : nullptr;
}

void Canvas::watchCompare(Document *document)
{
    if (!document)
        return;
    connect(document, &Document::displaySettingsChanged, this, qOverload<>(&QWidget::update), Qt::UniqueConnection);
    connect(CompareController::forViewer(m_viewer), &CompareController::comparisonChanged, this,
            qOverload<>(&QWidget::update), Qt::UniqueConnection);
}

double Canvas::splitDividerX() const
{
    const double fraction = m_document ? m_document->displaySettings().splitPosition : 0.5;
    return std::round(std::clamp(fraction, 0.0, 1.0) * width());
}

void Canvas::drawLayer(QPainter &painter, DisplayPipeline &pipeline, const Image &image,
                       const DisplaySettings &settings, const QRectF &clip, double s, const QPointF &o)
{
    const QRectF visible = layerRect(QSize(image.width(), image.height()), s, o, clip);
    if (visible.isEmpty())
        return;
    const QRectF visibleInImage((visible.topLeft() - o) / s, visible.size() / s);
    // Device pixels decide the resolution the display copy needs. Smooth
    // frames below 1:1 are area averaged to display resolution, drafts
    // sample every step-th pixel (see DisplayPipeline::Reduction).
    const double dpr = devicePixelRatioF();
    const auto reduction = m_draft ? DisplayPipeline::Reduction::Draft : DisplayPipeline::Reduction::Box;
    if (reduction == DisplayPipeline::Reduction::Box && s * dpr < 1.0) {
        // A level made ahead (a prefetched neighbour) spares reducing it now.
        const int alpha = DisplayPipeline::boxAlpha(image, settings);
        if (!pipeline.boxReduction().hasGrid(image, s * dpr, visibleInImage, alpha))
            m_prepared.adoptInto(pipeline, image, s * dpr, visibleInImage, alpha);
    }
    const DisplayFrame frame = pipeline.frame(image, visibleInImage, s * dpr, settings, reduction);
    if (frame.isNull())
        return;
    QRectF target(o + frame.target.topLeft() * s, frame.target.size() * s);
    if (frame.exact) {
        // One level pixel per device pixel: at a whole device pixel the
        // draw is a plain copy, with no resampling to blur the reduction.
        target = QRectF(QPointF(std::round(target.left() * dpr), std::round(target.top() * dpr)) / dpr,
                        QSizeF(frame.source.size()) / dpr);
    }
    painter.save();
    // Smooth when shrinking (except for draft frames and levels already at
    // display resolution); nearest-neighbour when magnifying so pixels stay
    // square and exact.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, s < 1.0 && !m_draft && !frame.exact);
    // In strips of fewer than 96 device rows: Qt's raster engine hands a
    // fill or draw of more rows to its global thread pool in segments and
    // sleeps until they are done, which after a pause (threads asleep, two
    // busy cores) took 1-3 ms for a band that costs 0.3 ms on this thread.
    // The clip, not the source rectangle, makes the strips, so a smooth
    // draw samples across their edges as one draw would.
    const QRectF painted = visible.intersected(QRectF(m_paintRect));
    const double stripHeight = std::max(1.0, std::floor(StripDeviceRows / dpr));
    for (double y = painted.top(); y < painted.bottom(); y += stripHeight) {
        const QRectF strip(painted.left(), y, painted.width(), std::min(stripHeight, painted.bottom() - y));
        painter.setClipRect(strip);
        if (frame.image.hasAlphaChannel())
            painter.fillRect(strip, QBrush(m_checker));
        painter.drawImage(target, frame.image, frame.source);
    }
    painter.restore();
}

void Canvas::drawDifference(QPainter &painter, const Image &a, const Image &b, const DisplaySettings &settings,
                            const QRectF &clip)
{
    const double s = scale();
    const QPointF o = origin();
    const QRect overlap = overlapRect(a, b);
    const QRectF visible = layerRect(overlap.size(), s, o, clip);
    if (visible.isEmpty())
        return;
    // The visible part of the overlap, on the pipeline's step grid, so the
    // samples (and the cache) stay put while panning by less than a block.
    const int step = DisplayPipeline::stepForScale(s * devicePixelRatioF());
    const QRectF inImage((visible.topLeft() - o) / s, visible.size() / s);
    const int x0 = int(std::floor(inImage.left())) / step * step;
    const int y0 = int(std::floor(inImage.top())) / step * step;
    const int x1 = std::min(overlap.width(), int(std::ceil(inImage.right())));
    const int y1 = std::min(overlap.height(), int(std::ceil(inImage.bottom())));
    const DifferenceCache::Result diff = m_differenceCache.difference(
        a, b, *differenceModeOf(settings.compareMode), QRect(x0, y0, x1 - x0, y1 - y0), step);
    if (diff.image.isNull())
        return;
    // The difference has one channel per compared colour channel (no alpha):
    // the document's levels and channel apply to those.
    DisplaySettings shown = settings;
    if (shown.channel >= diff.image.channels())
        shown.channel = -1;
    if (!shown.levels.empty())
        shown.levels.resize(diff.image.channels(), shown.levels.front());
    // Each sample stands for a step x step block: draw the samples as an
    // image of their own at `step` times the scale.
    drawLayer(painter, m_comparePipeline, diff.image, shown, visible, s * diff.step,
              o + QPointF(diff.region.topLeft()) * s);
}

void Canvas::drawSplitDivider(QPainter &painter, double column)
{
    const double x = column + 0.5; // the centre of the pixel column: a crisp 1-pixel line
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawLine(QPointF(x, 0), QPointF(x, height()));
    painter.setPen(QPen(Qt::white, 1));
    painter.drawLine(QPointF(x, 0), QPointF(x, height()));
    // A grip in the middle says the line can be dragged.
    const QPointF c(x, height() / 2.0);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 1));
    painter.setBrush(Qt::white);
    painter.drawEllipse(c, 7.0, 7.0);
    painter.setBrush(QColor(0x40, 0x40, 0x40));
    painter.setPen(Qt::NoPen);
    painter.drawPolygon(QPolygonF({c + QPointF(-5, 0), c + QPointF(-1.5, -3.5), c + QPointF(-1.5, 3.5)}));
    painter.drawPolygon(QPolygonF({c + QPointF(5, 0), c + QPointF(1.5, -3.5), c + QPointF(1.5, 3.5)}));
    painter.restore();
}

bool Canvas::paintCompare(QPainter &painter)
{
    Document *reference = compareReference();
    if (!reference)
        return false;
    const DisplaySettings &settings = m_document->displaySettings();
    const Image a = m_document->image();
    const Image b = reference->image();
    const double s = scale();
    const QPointF o = origin();
    const QRectF all(rect());

    // What each part of the view shows: (image, clip) pairs, or the overlap.
    struct Layer {
        const Image *image;
        DisplayPipeline *pipeline;
        const DisplaySettings *settings;
        QRectF clip;
    };
    std::vector<Layer> layers;
    const double divider = splitDividerX();
    switch (settings.compareMode) {
    case CompareMode::Split:
        layers.push_back({&a, &m_pipeline, &settings, QRectF(0, 0, divider, height())});
        layers.push_back({&b, &m_comparePipeline, &reference->displaySettings(),
                          QRectF(divider, 0, width() - divider, height())});
        break;
    case CompareMode::Blink:
        if (settings.blinkShowsReference)
            layers.push_back({&b, &m_comparePipeline, &reference->displaySettings(), all});
        else
            layers.push_back({&a, &m_pipeline, &settings, all});
        break;
    default:
        break;
    }

    QRegion uncovered(rect());
    if (layers.empty()) {
        uncovered -= QRegion(innerRect(layerRect(overlapRect(a, b).size(), s, o, all)));
    } else {
        for (const Layer &layer : layers)
            uncovered -= QRegion(innerRect(layerRect(QSize(layer.image->width(), layer.image->height()), s, o,
                                                     layer.clip)));
    }
    for (const QRect &r : uncovered)
        painter.fillRect(r, background());

    if (layers.empty())
        drawDifference(painter, a, b, settings, all);
    for (const Layer &layer : layers)
        drawLayer(painter, *layer.pipeline, *layer.image, *layer.settings, layer.clip, s, o);
    if (settings.compareMode == CompareMode::Split)
        drawSplitDivider(painter, divider);
    return true;
}

bool Canvas::compareMousePress(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !compareReference() ||
        m_document->displaySettings().compareMode != CompareMode::Split ||
        std::abs(event->position().x() - splitDividerX()) > DividerGrabPx)
        return false;
    m_draggingDivider = true;
    event->accept();
    return true;
}

bool Canvas::compareMouseMove(QMouseEvent *event)
{
    const bool split = compareReference() && m_document->displaySettings().compareMode == CompareMode::Split;
    if (m_draggingDivider && split && width() > 0) {
        CompareController::forViewer(m_viewer)->setSplitPosition(m_document, event->position().x() / width());
        reportHover(event->position());
        return true;
    }
    if (!m_dragging) {
        if (split && std::abs(event->position().x() - splitDividerX()) <= DividerGrabPx)
            setCursor(Qt::SplitHCursor);
        else if (cursor().shape() == Qt::SplitHCursor)
            unsetCursor();
    }
    return false;
}

bool Canvas::compareKeyPress(QKeyEvent *event)
{
    // B toggles A/B in blink mode (Space is left for browsing folders).
    if (event->key() != Qt::Key_B || event->modifiers() != Qt::NoModifier || !compareReference() ||
        m_document->displaySettings().compareMode != CompareMode::Blink)
        return false;
    CompareController::forViewer(m_viewer)->toggleBlink(m_document);
    event->accept();
    return true;
}

} // namespace livepix::gui
