#pragma once
// RateLimiter: runs a (background) job at most every N ms while requests keep coming.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace livepix::gui {

/// Coalesces requests into runs of a job: a request runs the job now when it
/// is idle and the last run started at least `intervalMs` ago; otherwise one
/// run is pending and starts as soon as both hold. The job may be
/// asynchronous: it calls finished() when done (maybe from inside `start`).
/// So a stream of pixel changes recomputes a histogram or metrics about
/// 1000 / intervalMs times a second, and the last change is never missed.
///
/// Threading: GUI thread only (an object with a timer).
class RateLimiter : public QObject {
    Q_OBJECT
public:
    RateLimiter(int intervalMs, std::function<void()> start, QObject *parent = nullptr);

    /// Asks for a run (one pending run covers any number of requests).
    void request();
    /// The job started last has ended.
    void finished();
    bool isBusy() const { return m_busy; }
    bool isPending() const { return m_pending; }

private:
    void schedule();
    void run();

    std::function<void()> m_start;
    int m_interval;
    bool m_busy = false;
    bool m_pending = false;
    QElapsedTimer m_lastStart;
    QTimer m_timer;
};

} // namespace livepix::gui
