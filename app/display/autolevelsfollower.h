#pragma once
// AutoLevelsFollower: "auto while editing", re-fitting levels live as pixels change.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <livepix/autolevels.h>

namespace livepix::gui {

class Viewer;

/// Re-fits the current document's levels when its pixels may have changed
/// (Viewer::pixelsChanged) and its DisplaySettings::autoWhileEditing is on.
/// At most one fit per IntervalMs (the first change fits at once, a burst
/// ends with one fit after it); images above PixelBudget pixels are fitted
/// on a regular sample. Uses the options of the last auto-levels request
/// (Viewer::autoLevels), min/max linked by default.
///
/// Threading: GUI thread only (fits run there: a sampled fit is about a
/// millisecond).
class AutoLevelsFollower : public QObject {
    Q_OBJECT
public:
    static constexpr int IntervalMs = 100;
    static constexpr std::size_t PixelBudget = 1u << 20;

    explicit AutoLevelsFollower(Viewer *viewer);

    void setOptions(const AutoLevelsOptions &options) { m_options = options; }
    const AutoLevelsOptions &options() const { return m_options; }
    /// Fits done so far (tests read it).
    int fits() const { return m_fits; }

private:
    void onPixelsChanged();
    void fit();

    Viewer *m_viewer;
    AutoLevelsOptions m_options;
    QElapsedTimer m_lastFit;
    QTimer m_pending; // single shot: the fit at the end of a burst
    int m_fits = 0;
};

} // namespace livepix::gui
