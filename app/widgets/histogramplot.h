#pragma once
// HistogramPlot: per-channel histograms with the levels as draggable handles.
#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

#include <livepix/autolevels.h>

namespace livepix::gui {

/// Draws the histograms of one or more channels over one value axis, overlaid
/// (translucent, on top of each other) or stacked (one band per channel),
/// with a linear or logarithmic count axis, and each channel's levels as two
/// vertical handles. Dragging a handle emits levelsDragged(); the owner
/// applies the new levels and sets the data again. The value axis covers the
/// histogram's edges and the levels, so handles outside the data stay visible.
/// Drawn with QPainter.
///
/// Threading: GUI thread only.
class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    static constexpr double HandleGrabPx = 6.0;

    struct Channel {
        int index = 0;   // the image channel it shows
        QString name;
        QColor colour;
        std::vector<std::uint64_t> counts;
        LevelRange levels;
    };

    explicit HistogramPlot(QWidget *parent = nullptr);

    /// `edges` are the bin edges shared by every channel (bins + 1 values).
    void setData(std::vector<double> edges, std::vector<Channel> channels);
    void clear();
    const std::vector<Channel> &channels() const { return m_channels; }
    const std::vector<double> &edges() const { return m_edges; }

    void setStacked(bool stacked);
    bool isStacked() const { return m_stacked; }
    void setLogScale(bool log);
    bool isLogScale() const { return m_log; }

    /// Widget x of a value and back (over the current value axis).
    double valueToX(double value) const;
    double xToValue(double x) const;
    /// Where channel `i` (of channels()) is drawn: its band when stacked, else the whole plot.
    QRectF bandRect(int i) const;

    QSize sizeHint() const override { return {320, 160}; }
    QSize minimumSizeHint() const override { return {120, 80}; }

Q_SIGNALS:
    /// A handle was dragged: `channel` (an image channel index) should get `levels`.
    void levelsDragged(int channel, livepix::LevelRange levels);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QRectF plotRect() const;
    void updateAxis();
    void drawChannel(QPainter &painter, const Channel &channel, const QRectF &band, double maxCount) const;
    void drawHandles(QPainter &painter, const Channel &channel, const QRectF &band) const;
    double countHeight(double count, double maxCount) const;

    std::vector<double> m_edges;
    std::vector<Channel> m_channels;
    double m_axisLo = 0.0, m_axisHi = 1.0;
    bool m_stacked = false;
    bool m_log = false;
    int m_dragChannel = -1; // index into m_channels while dragging
    bool m_dragHigh = false;
};

} // namespace livepix::gui
