#pragma once
// StartupSequence: the steps of a start (open files, run --exec/--script), one after another.
#include <QObject>
#include <QStringList>

#include <functional>
#include <vector>

namespace livepix::gui {

class LoadJob;
class Viewer;

/// Runs asynchronous steps in order: a step starts when the one before it
/// reported done, through the event loop (a queued call), never in a nested
/// event loop. Application uses it for the command line: open every file,
/// then run the --exec blocks and the --script in order, then (batch) take
/// the screenshot once finished() arrives.
///
/// Threading: GUI thread only. A step's `done` must be called on the GUI
/// thread, exactly once (later calls are ignored).
class StartupSequence : public QObject {
    Q_OBJECT
public:
    /// Reports the end of a step; no errors means it succeeded.
    using Done = std::function<void(const QStringList &errors)>;
    /// Starts the step's work; calls `done` when it is over (now or later).
    using Step = std::function<void(Done done)>;

    explicit StartupSequence(QObject *parent = nullptr);

    /// Appends a step. When it fails and `stopOnFailure` is set, the later
    /// steps are skipped and the sequence finishes.
    void addStep(Step step, bool stopOnFailure = true);
    /// Runs the steps (the first one from the event loop, so start() returns
    /// at once). Emits finished() once, after the last step.
    void start();
    bool isRunning() const { return m_running; }

    /// A step that opens `files` with Viewer::openAsync (side by side, the
    /// documents in command-line order), makes the first one current and
    /// reports every file that failed. `opened` is called for each file that
    /// opened (e.g. to add it to the recent files).
    static Step openFilesStep(Viewer *viewer, const QStringList &files,
                              std::function<void(const QString &path)> opened = {});

Q_SIGNALS:
    void stepFinished(int index, const QStringList &errors);
    /// ok when no step failed; errors of every step that ran, in order.
    void finished(bool ok, const QStringList &errors);

private:
    void runNext();
    void stepDone(int index, const QStringList &errors);

    struct Entry {
        Step step;
        bool stopOnFailure;
    };
    std::vector<Entry> m_steps;
    int m_next = 0;
    bool m_running = false;
    bool m_failed = false;
    QStringList m_errors;
};

} // namespace livepix::gui
