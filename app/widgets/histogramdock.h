#pragma once
// HistogramDock: the histogram, statistics and level handles of the current document.
#include <QDockWidget>

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <livepix/comparison.h>
#include <livepix/autolevels.h>
#include <livepix/histogram.h>

#include "viewer/imagekey.h"

class QLabel;
class QToolButton;

namespace livepix::gui {

class Document;
class HistogramPlot;
class RateLimiter;
class Viewer;

/// A dock (View > Histogram) with the histograms of the channels the current
/// document shows (all colour channels, or the one shown channel), overlaid
/// or stacked, on a linear or log count axis; min / mean / max and NaN / Inf
/// counts per channel; and the document's levels as handles that set
/// DisplaySettings::levels when dragged (every colour channel at once when
/// the levels are linked, else the dragged channel). While the document is
/// compared in a difference mode it shows the difference image's histogram,
/// whose levels are the ones the difference is shown with.
///
/// The histogram is computed on a pool thread (QtConcurrent::run and a
/// QFutureWatcher), cached under the images' ImageKey (buffer identity and
/// revision), and recomputed at most every IntervalMs while pixels change,
/// also while console code is still running (Viewer::pixelsChanged fires on
/// the repaint timer then). Images above the pixel budget are sampled on a
/// regular grid, and the dock says "sampled". Nothing is computed while the
/// dock is hidden.
///
/// Threading: GUI thread only; a job gets copies of Image handles and a
/// cancel flag, nothing else.
class HistogramDock : public QDockWidget {
    Q_OBJECT
public:
    static constexpr int IntervalMs = 100;
    static constexpr int Bins = 256;
    static constexpr std::size_t DefaultPixelBudget = std::size_t(1) << 22; // 4 Mpx: a 4K image is sampled

    /// What one job computed.
    struct Data {
        Histogram histogram;
        std::vector<std::string> channelNames; // of the image histogrammed
        int alphaChannel = -1;
        DType dtype = DType::UInt8;
        bool difference = false; // the difference image of a compare mode
    };

    /// The dock's job: the histogram of `a`, or with a `mode` of the
    /// difference of a and b over their overlap. Any thread.
    static Data compute(const Image &a, const Image &b, std::optional<DifferenceMode> mode, std::size_t pixelBudget,
                        const std::atomic<bool> *cancel = nullptr);

    explicit HistogramDock(Viewer *viewer, QWidget *parent = nullptr);
    ~HistogramDock() override;

    /// The last histogram computed for what the document shows now (maybe a
    /// few revisions old while pixels change), or nullopt.
    const std::optional<Data> &data() const { return m_data; }
    /// How many jobs finished (tests and benchmarks read it).
    int computations() const { return m_computations; }
    HistogramPlot *plot() const { return m_plot; }
    /// The one-line note above the plot ("sampled" when it is).
    QString noteText() const;
    /// The per-channel statistics, as shown.
    QString statsText() const;

    void setPixelBudget(std::size_t pixels);
    std::size_t pixelBudget() const { return m_pixelBudget; }
    void setStacked(bool stacked);
    void setLogScale(bool log);

Q_SIGNALS:
    void histogramUpdated();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Key {
        ImageKey a, b;
        std::optional<DifferenceMode> mode;
        std::size_t budget = 0;
        bool operator==(const Key &o) const { return a == o.a && b == o.b && mode == o.mode && budget == o.budget; }
    };

    void onCurrentChanged(Document *document);
    void request();
    void startJob();
    void refresh();
    std::vector<int> shownChannels() const;
    void applyLevels(int channel, LevelRange levels);

    Viewer *m_viewer;
    Document *m_document = nullptr;
    HistogramPlot *m_plot;
    QLabel *m_title;
    QLabel *m_note;
    QLabel *m_stats;
    QToolButton *m_stackedButton;
    QToolButton *m_logButton;
    RateLimiter *m_limiter;
    std::size_t m_pixelBudget = DefaultPixelBudget;
    std::optional<Data> m_data;
    std::optional<Key> m_key;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    int m_computations = 0;
};

} // namespace livepix::gui
