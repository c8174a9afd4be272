#pragma once
// BackgroundJobs: work off the GUI thread that must end before livepix tears
// down (filter runs, console code, saves).
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace livepix::gui {

/// The process-wide list of running background work that quitting must stop
/// or wait for. Application::shutdown() is the one place that waits for it
/// (see there for the order): it calls every job's cancel(), then waits for
/// each job with its wait().
///
/// Who registers: a FilterJob while it runs (cancel: the filter's cancel;
/// a Python filter is interrupted), the PythonRuntime while Python runs
/// (cancel: KeyboardInterrupt in the running code, no new requests start),
/// and a save job (no cancel: a save is waited for until it finished, since
/// cancelling it would lose what the user asked to keep). A job registers
/// with add() and keeps the Registration for as long as it runs.
///
/// Threading: GUI thread only (add, Registration, cancelAndWait).
class BackgroundJobs {
public:
    struct Job {
        /// Names the job in the message printed when it does not stop
        /// ("filter 'Median'", "Python code", "saving photo.exr").
        QString description;
        /// Asks the job to stop soon; never blocks. Empty: the job is not
        /// cancelled and is waited for without a time limit.
        std::function<void()> cancel;
        /// Waits at most `ms` milliseconds (forever when ms < 0) for the
        /// job to end; true when it has ended. May serve events the job
        /// needs from the GUI thread while it waits.
        std::function<bool(int ms)> wait;
    };

    /// Unregisters its job when destroyed (or reset()). Movable.
    class Registration {
    public:
        Registration() = default;
        ~Registration() { reset(); }
        Registration(Registration &&other) noexcept : m_id(std::exchange(other.m_id, 0)) {}
        Registration &operator=(Registration &&other) noexcept;
        Registration(const Registration &) = delete;
        Registration &operator=(const Registration &) = delete;
        void reset();
        bool isActive() const { return m_id != 0; }

    private:
        friend class BackgroundJobs;
        explicit Registration(std::uint64_t id) : m_id(id) {}
        std::uint64_t m_id = 0;
    };

    static BackgroundJobs &instance();

    [[nodiscard]] Registration add(Job job);
    int count() const { return int(m_jobs.size()); }
    QStringList descriptions() const;

    /// Cancels every job, then waits: cancellable jobs for at most
    /// `timeoutMs` in total, jobs without cancel until they end. Returns the
    /// descriptions of the jobs that did not end (they stay registered).
    QStringList cancelAndWait(int timeoutMs);

private:
    BackgroundJobs() = default;
    void remove(std::uint64_t id);

    std::map<std::uint64_t, Job> m_jobs; // in registration order
    std::uint64_t m_lastId = 0;
};

} // namespace livepix::gui
