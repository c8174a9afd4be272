#include "widgets/histogramplot.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace livepix::gui {

namespace {

const QColor PlotBackground(0x22, 0x22, 0x22);
const QColor OutsideLevels(0, 0, 0, 90);
constexpr double AxisPad = 0.03; // of the value span, each side

} // namespace

HistogramPlot::HistogramPlot(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setToolTip(tr("Drag the handles to set the black and white levels"));
}

void HistogramPlot::setData(std::vector<double> edges, std::vector<Channel> channels)
{
    m_edges = std::move(edges);
    m_channels = std::move(channels);
    if (m_dragChannel >= int(m_channels.size()))
        m_dragChannel = -1;
    if (m_dragChannel < 0) // the axis holds still under a dragging mouse
        updateAxis();
    update();
}

void HistogramPlot::clear() { setData({}, {}); }

void HistogramPlot::setStacked(bool stacked)
{
    m_stacked = stacked;
    update();
}

void HistogramPlot::setLogScale(bool log)
{
    m_log = log;
    update();
}

void HistogramPlot::updateAxis()
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    if (m_edges.size() >= 2) {
        lo = m_edges.front();
        hi = m_edges.back();
    }
    for (const Channel &c : m_channels) {
        lo = std::min(lo, c.levels.lo);
        hi = std::max(hi, c.levels.hi);
    }
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) {
        lo = std::isfinite(lo) ? lo - 0.5 : 0.0;
        hi = lo + 1.0;
    }
    const double pad = (hi - lo) * AxisPad;
    m_axisLo = lo - pad;
    m_axisHi = hi + pad;
}

QRectF HistogramPlot::plotRect() const { return QRectF(rect()).adjusted(4, 4, -4, -4); }

double HistogramPlot::valueToX(double value) const
{
    const QRectF r = plotRect();
    return r.left() + (value - m_axisLo) / (m_axisHi - m_axisLo) * r.width();
}

double HistogramPlot::xToValue(double x) const
{
    const QRectF r = plotRect();
    return m_axisLo + (x - r.left()) / r.width() * (m_axisHi - m_axisLo);
}

QRectF HistogramPlot::bandRect(int i) const
{
    const QRectF r = plotRect();
    if (!m_stacked || m_channels.size() <= 1)
        return r;
    const double h = r.height() / double(m_channels.size());
    return QRectF(r.left(), r.top() + i * h, r.width(), h);
}

double HistogramPlot::countHeight(double count, double maxCount) const
{
    if (maxCount <= 0.0)
        return 0.0;
    return m_log ? std::log1p(count) / std::log1p(maxCount) : count / maxCount;
}

void HistogramPlot::drawChannel(QPainter &painter, const Channel &channel, const QRectF &band, double maxCount) const
{
    if (m_edges.size() != channel.counts.size() + 1)
        return;
    QPainterPath path(QPointF(valueToX(m_edges.front()), band.bottom()));
    for (std::size_t b = 0; b < channel.counts.size(); ++b) {
        const double y = band.bottom() - countHeight(double(channel.counts[b]), maxCount) * (band.height() - 2);
        path.lineTo(valueToX(m_edges[b]), y);
        path.lineTo(valueToX(m_edges[b + 1]), y);
    }
    path.lineTo(valueToX(m_edges.back()), band.bottom());
    path.closeSubpath();
    QColor fill = channel.colour;
    fill.setAlpha(m_stacked ? 170 : 110);
    painter.fillPath(path, fill);
    painter.setPen(QPen(channel.colour, 1));
    painter.drawPath(path);
}

void HistogramPlot::drawHandles(QPainter &painter, const Channel &channel, const QRectF &band) const
{
    const double lo = valueToX(channel.levels.lo);
    const double hi = valueToX(channel.levels.hi);
    // Shade what the levels clip: below black and above white.
    painter.fillRect(QRectF(band.left(), band.top(), std::max(0.0, lo - band.left()), band.height()), OutsideLevels);
    painter.fillRect(QRectF(hi, band.top(), std::max(0.0, band.right() - hi), band.height()), OutsideLevels);
    const QColor colour = m_channels.size() > 1 && !m_stacked ? channel.colour : QColor(Qt::white);
    for (const auto &[x, fill] : {std::pair{lo, QColor(Qt::black)}, std::pair{hi, QColor(Qt::white)}}) {
        painter.setPen(QPen(colour, 1));
        painter.drawLine(QPointF(x, band.top()), QPointF(x, band.bottom()));
        const QPointF tip(x, band.bottom() - 9);
        const QPolygonF grip({tip, tip + QPointF(-5, 8), tip + QPointF(5, 8)});
        painter.setBrush(fill);
        painter.drawPolygon(grip);
    }
}

void HistogramPlot::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), PlotBackground);
    if (m_channels.empty()) {
        painter.setPen(QColor(0x90, 0x90, 0x90));
        painter.drawText(rect(), Qt::AlignCenter, tr("No histogram"));
        return;
    }
    double maxAll = 0.0;
    for (const Channel &c : m_channels)
        for (std::uint64_t n : c.counts)
            maxAll = std::max(maxAll, double(n));
    painter.setRenderHint(QPainter::Antialiasing, true);
    for (int i = 0; i < int(m_channels.size()); ++i) {
        const Channel &c = m_channels[i];
        double maxCount = maxAll;
        if (m_stacked)
            maxCount = c.counts.empty() ? 0.0 : double(*std::max_element(c.counts.begin(), c.counts.end()));
        drawChannel(painter, c, bandRect(i), maxCount);
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i < int(m_channels.size()); ++i)
        drawHandles(painter, m_channels[i], bandRect(i));
}

void HistogramPlot::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    const QPointF pos = event->position();
    double best = HandleGrabPx;
    m_dragChannel = -1;
    for (int i = 0; i < int(m_channels.size()); ++i) {
        if (!bandRect(i).adjusted(0, -2, 0, 2).contains(pos))
            continue;
        for (bool high : {false, true}) {
            const double x = valueToX(high ? m_channels[i].levels.hi : m_channels[i].levels.lo);
            if (std::abs(pos.x() - x) <= best) {
                best = std::abs(pos.x() - x);
                m_dragChannel = i;
                m_dragHigh = high;
            }
        }
    }
    event->accept();
}

void HistogramPlot::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragChannel < 0) {
        bool near = false;
        for (int i = 0; i < int(m_channels.size()) && !near; ++i)
            for (double v : {m_channels[i].levels.lo, m_channels[i].levels.hi})
                near = near || std::abs(event->position().x() - valueToX(v)) <= HandleGrabPx;
        setCursor(near ? Qt::SizeHorCursor : Qt::ArrowCursor);
        return;
    }
    Channel &c = m_channels[m_dragChannel];
    // Keep black below white by a small fraction of the axis.
    const double gap = (m_axisHi - m_axisLo) * 1e-3;
    const double value = xToValue(event->position().x());
    LevelRange levels = c.levels;
    if (m_dragHigh)
        levels.hi = std::max(value, levels.lo + gap);
    else
        levels.lo = std::min(value, levels.hi - gap);
    c.levels = levels;
    update();
    Q_EMIT levelsDragged(c.index, levels);
}

void HistogramPlot::mouseReleaseEvent(QMouseEvent *event)
{
    m_dragChannel = -1;
    // The axis follows the levels only once a drag ends, so it holds still under the mouse.
    updateAxis();
    update();
    QWidget::mouseReleaseEvent(event);
}

} // namespace livepix::gui
