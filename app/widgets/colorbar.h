#pragma once
// ColorBar: a colormap legend (gradient and values), shown beside the image.
#include <QString>
#include <QWidget>

namespace livepix::gui {

/// A vertical legend for a colormapped channel: the colormap's gradient
/// (high values at the top) with the values at the top, middle and bottom.
/// Values follow the display rule: the bar position t in [0, 1] shows the
/// colour of byte round(255 t), i.e. the value lo + (hi - lo) * t^gamma.
/// Self-contained (no Viewer): whoever shows it feeds it colormap, range and gamma.
///
/// Threading: GUI thread only.
class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(QWidget *parent = nullptr);

    /// A livepix::findColormap name; unknown or empty shows an empty bar.
    void setColormap(const QString &name);
    void setRange(double lo, double hi);
    void setGamma(double gamma);
    QString colormap() const { return m_colormap; }
    double low() const { return m_lo; }
    double high() const { return m_hi; }
    /// The value shown at bar position t (0 bottom, 1 top).
    double valueAt(double t) const;
    /// The label text for a value (4 significant digits).
    static QString label(double value);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_colormap;
    double m_lo = 0.0;
    double m_hi = 1.0;
    double m_gamma = 1.0;
};

} // namespace livepix::gui
