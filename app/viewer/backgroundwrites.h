#pragma once
// BackgroundWrites: keeps the view live for writers nobody announces and
// ends their unit after half a second of quiet.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <cstdint>

class QSocketNotifier;

namespace livepix::gui {

class Viewer;
class WorkUnits;

/// A thread the user started, a plugin's own threads, a write that goes on
/// after its statement ended: the write tracker sees them (the first write
/// into a protected chunk faults) and wakes this object through an eventfd,
/// at no cost while nothing writes. Then, every frame while documents have
/// open writes, it re-protects the written chunks (WriteTracker::rearm) so
/// further writes are seen too, and repaints when there were any. After
/// QuietMs without writes and outside any unit, the writes become one
/// "Background writes" step (WorkUnits::commitBackground).
///
/// While a LiveEdit token is held (a console statement, a filter run), the
/// writes are announced: the token's clock repaints and the statement's end
/// flushes, so this object only re-protects and does not repaint. A repaint
/// of its own would start a frame in the middle of the statement, and the
/// frame that shows the statement's end would wait for it to finish (at 4K
/// fit that was 2 to 5 ms more edit-to-screen latency, bench/latency).
///
/// The eventfd is one per process (the tracker's notify fd is process-wide);
/// it wakes every BackgroundWrites alive (there is one per Viewer).
///
/// Threading: GUI thread only (the eventfd is written by signal handlers).
class BackgroundWrites : public QObject {
    Q_OBJECT
public:
    static constexpr int QuietMs = 500;
    static constexpr int FrameMs = 33;

    BackgroundWrites(Viewer *viewer, WorkUnits *units);
    ~BackgroundWrites() override;

private:
    friend class WriteWakeups;
    void onWake();
    void tick();
    /// True while a LiveEdit token of the viewer is held (its clock repaints).
    bool announced() const;
    /// Re-protects the chunks written since the last frame (so the next
    /// writes are seen) and returns the documents' total write count.
    std::uint64_t rearmAndCountWrites(bool *open) const;

    Viewer *m_viewer;
    WorkUnits *m_units;
    QTimer m_frame;
    QElapsedTimer m_sinceWrite;
    std::uint64_t m_lastCount = 0;
};

} // namespace livepix::gui
