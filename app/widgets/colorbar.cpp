#include "widgets/colorbar.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include <livepix/colormap.h>

namespace livepix::gui {

namespace {
constexpr int BarWidth = 16;
constexpr int Margin = 6;
constexpr int TickLength = 4;
} // namespace

ColorBar::ColorBar(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    setToolTip(tr("Colormap legend: values at the top, middle and bottom of the levels"));
}

void ColorBar::setColormap(const QString &name)
{
    if (name == m_colormap)
        return;
    m_colormap = name;
    update();
}

void ColorBar::setRange(double lo, double hi)
{
    if (lo == m_lo && hi == m_hi)
        return;
    m_lo = lo;
    m_hi = hi;
    update();
}

void ColorBar::setGamma(double gamma)
{
    if (gamma == m_gamma || gamma <= 0.0)
        return;
    m_gamma = gamma;
    update();
}

double ColorBar::valueAt(double t) const { return m_lo + (m_hi - m_lo) * std::pow(t, m_gamma); }

QString ColorBar::label(double value) { return QString::number(value, 'g', 4); }

QSize ColorBar::sizeHint() const { return {minimumSizeHint().width(), 256}; }

QSize ColorBar::minimumSizeHint() const
{
    const QFontMetrics fm(font());
    int text = 0;
    for (double t : {0.0, 0.5, 1.0})
        text = std::max(text, fm.horizontalAdvance(label(valueAt(t))));
    return {Margin + BarWidth + TickLength + Margin + std::max(text, fm.horizontalAdvance(QStringLiteral("-0.0000"))) + Margin,
            3 * fm.height() + 2 * Margin};
}

void ColorBar::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const Colormap *map = findColormap(m_colormap.toStdString());
    const QFontMetrics fm(font());
    const int top = Margin + fm.height() / 2;
    const int bottom = height() - Margin - fm.height() / 2;
    if (!map || bottom <= top)
        return;
    const QRect bar(Margin, top, BarWidth, bottom - top);
    // The gradient fills the inside of the frame: its top row is entry 255, its bottom row entry 0.
    const QRect inside = bar.adjusted(1, 1, -1, -1);
    const int span = std::max(1, inside.height() - 1);
    for (int y = inside.top(); y <= inside.bottom(); ++y) {
        const double t = double(inside.bottom() - y) / span;
        const auto &rgb = map->rgb[std::clamp<long>(std::lround(t * 255.0), 0, 255)];
        painter.setPen(QColor(rgb[0], rgb[1], rgb[2]));
        painter.drawLine(inside.left(), y, inside.right(), y);
    }
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    // The tick, then a gap: a label right against its tick reads as a minus sign.
    const int textX = bar.right() + TickLength + Margin;
    for (double t : {0.0, 0.5, 1.0}) {
        const int y = inside.bottom() - int(std::lround(t * span));
        painter.drawLine(bar.right(), y, bar.right() + TickLength - 1, y);
        painter.drawText(QRect(textX, y - fm.height() / 2, width() - textX, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         label(valueAt(t)));
    }
}

} // namespace livepix::gui
