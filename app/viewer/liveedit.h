#pragma once
// LiveEdit: the scoped token every live pixel writer holds, and the one
// live-repaint clock it keeps running.
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace livepix::gui {

class Viewer;

/// The one live-repaint timer of a Viewer (a child QObject of it, created by
/// the first LiveEdit). It counts the live tokens: while the count is above
/// zero it calls Viewer::pixelsMayHaveChanged() every interval() ms; when the
/// count drops to zero it calls it once more and stops.
///
/// Threading: GUI thread only, like the Viewer.
class LiveEditClock : public QObject {
    Q_OBJECT
public:
    static constexpr int DefaultIntervalMs = 33; ///< ~30 Hz

    /// The viewer's clock, created on first use (owned by the viewer).
    static LiveEditClock *of(Viewer *viewer);
    /// The viewer's clock if one was created, else nullptr (then no token
    /// was ever held).
    static LiveEditClock *find(const Viewer *viewer);

    int activeCount() const { return m_active; }
    bool isTicking() const { return m_timer.isActive(); }
    int interval() const { return m_timer.interval(); }
    void setInterval(int ms) { m_timer.setInterval(ms); }

Q_SIGNALS:
    /// The clock asked the viewer to show the writes (a tick, a flush or
    /// the last release): Viewer::pixelsMayHaveChanged(), which repaints
    /// only what was written since.
    void ticked();

private:
    friend class LiveEdit;
    explicit LiveEditClock(Viewer *viewer);
    void acquire();
    void release(bool repaintNow = true);
    void repaint();

    Viewer *m_viewer; // the parent: outlives this object
    QTimer m_timer;
    int m_active = 0;
};

/// A writer's claim "I am changing the pixels of this viewer's images now".
/// Every source of live edits holds one while it writes: console code and
/// scripts (for as long as the runtime is busy), filter runs, the filter
/// dialog's preview runs, undo/redo and the dialog's restore. While any token
/// of a viewer is alive, its LiveEditClock repaints at ~30 Hz; releasing the
/// last token repaints once more and stops the clock. flush() repaints now
/// without releasing (a console statement ended: show it at once).
///
/// This is the only place that drives live repaint; nothing else needs to
/// call Viewer::pixelsMayHaveChanged() for a write it announces this way.
/// Tokens of several sources nest freely (a filter run while a script
/// loops): the clock runs until the last one goes.
///
/// RAII: movable, not copyable; a default-constructed or moved-from token
/// holds nothing. If the viewer is destroyed first, the token becomes inert.
/// Threading: GUI thread only (create, move, flush and release there).
class LiveEdit {
public:
    LiveEdit() = default;
    explicit LiveEdit(Viewer *viewer);
    ~LiveEdit();
    LiveEdit(LiveEdit &&other) noexcept;
    LiveEdit &operator=(LiveEdit &&other) noexcept;
    LiveEdit(const LiveEdit &) = delete;
    LiveEdit &operator=(const LiveEdit &) = delete;

    /// True while this token holds the clock running.
    bool isActive() const { return !m_clock.isNull(); }
    /// Gives the claim back early (the destructor does it otherwise).
    void release();
    /// Repaints now (one Viewer::pixelsMayHaveChanged()); the token stays.
    void flush() const;
    /// Gives the claim back WITHOUT the final repaint: for an owner being
    /// destroyed together with the views (a repaint request could reach a
    /// half-destroyed window). The clock still stops with the last token.
    void drop();

private:
    QPointer<LiveEditClock> m_clock;
};

} // namespace livepix::gui
