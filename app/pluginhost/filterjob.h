#pragma once
// FilterJob: one filter run on a worker thread.
#include <QObject>
#include <QString>

#include <livepix/filter.h>

#include <functional>
#include <memory>

#include "viewer/backgroundjobs.h"

namespace livepix::gui {

/// Runs a Filter on a QThreadPool thread: on an image through runFilter()
/// (so a failure or a cancel leaves the pixels as `before` has them), or
/// any Work that runs it (the parameter dialog's preview passes, see
/// FilterPreview).
///
/// While it runs the job is registered in BackgroundJobs, so quitting
/// cancels it and waits for it before Python is finalised.
///
/// Threading: create, start, cancel and destroy on the GUI thread;
/// finished() is delivered there. progress() and cancel() are safe while the
/// worker runs and never wait for the GIL (a Python filter's cancel is
/// delivered through the livepix module's GilQueue). The destructor cancels
/// and waits for the worker, so the image is never written after the job is
/// gone.
class FilterJob : public QObject {
    Q_OBJECT
public:
    /// What the worker does; it throws as runFilter() does (FilterCancelled
    /// for a cancel). It holds references to whatever it touches.
    using Work = std::function<void(FilterContext &)>;

    /// runFilter(filter, image, values, context, before) on the worker.
    FilterJob(std::shared_ptr<const Filter> filter, Image image, ParamValues values, Image before,
              QObject *parent = nullptr);
    /// `work` on the worker (it runs `filter`).
    FilterJob(std::shared_ptr<const Filter> filter, Work work, QObject *parent = nullptr);
    ~FilterJob() override;

    void start();
    void cancel();
    /// Blocks until the worker is done (finished() is still delivered later).
    void wait();
    /// Waits at most `ms` milliseconds (forever when negative); true when
    /// the worker is done.
    bool waitFor(int ms);
    bool isRunning() const;
    float progress() const;

    QString filterName() const;

Q_SIGNALS:
    /// ok: the filter completed; cancelled: it was cancelled; otherwise
    /// `error` is the exception's message. Pixels are restored unless ok.
    void finished(bool ok, bool cancelled, const QString &error);

private:
    struct State;
    std::shared_ptr<State> m_state;
    std::shared_ptr<const Filter> m_filter;
    Work m_work;
    BackgroundJobs::Registration m_registration;
};

} // namespace livepix::gui
