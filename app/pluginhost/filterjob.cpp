#include "pluginhost/filterjob.h"

#include <QPointer>
#include <QThreadPool>

#include <livepix/filtererror.h>
#include <livepix/filterrun.h>

#include <chrono>
#include <future>

namespace livepix::gui {

struct FilterJob::State {
    FilterContext context;
    std::promise<void> donePromise;
    std::shared_future<void> done{donePromise.get_future().share()};
    std::atomic<bool> started{false};
    std::atomic<bool> running{false};
};

FilterJob::FilterJob(std::shared_ptr<const Filter> filter, Image image, ParamValues values, Image before,
                     QObject *parent)
    : FilterJob(filter,
                [filter, image, values, before](FilterContext &context) {
                    runFilter(*filter, image, values, context, before.isNull() ? nullptr : &before);
                },
                parent)
{
}

FilterJob::FilterJob(std::shared_ptr<const Filter> filter, Work work, QObject *parent)
    : QObject(parent), m_state(std::make_shared<State>()), m_filter(std::move(filter)), m_work(std::move(work))
{
}

FilterJob::~FilterJob()
{
    cancel();
    wait();
}

QString FilterJob::filterName() const
{
    return QString::fromStdString(m_filter->name());
}

void FilterJob::start()
{
    if (m_state->started.exchange(true))
        return;
    m_state->running = true;
    m_registration = BackgroundJobs::instance().add(
        {QStringLiteral("filter '%1'").arg(filterName()), [this] { cancel(); }, [this](int ms) { return waitFor(ms); }});
    // The worker holds its own references (state, and the work's captures:
    // filter, images): nothing it touches can be freed under it.
    auto state = m_state;
    Work work = m_work;
    QPointer<FilterJob> self(this);
    QThreadPool::globalInstance()->start([=]() mutable {
        bool ok = false, cancelled = false;
        QString error;
        try {
            work(state->context);
            ok = true;
        } catch (const FilterCancelled &) {
            cancelled = true;
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        } catch (...) {
            error = QStringLiteral("unknown exception");
        }
        if (state->context.isCancelled() && !ok)
            cancelled = true;
        // Queued to the GUI thread; the destructor waits for `done`, so
        // `self` is alive while this posts (and Qt drops the event if the
        // job is deleted before it is delivered).
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [self, ok, cancelled, error] {
                    if (self)
                        Q_EMIT self->finished(ok, cancelled, error);
                },
                Qt::QueuedConnection);
        state->running = false;
        state->donePromise.set_value();
    });
}

void FilterJob::cancel()
{
    if (m_state->running)
        m_state->context.cancel();
}

void FilterJob::wait()
{
    if (m_state->started)
        m_state->done.wait();
}

bool FilterJob::waitFor(int ms)
{
    if (!m_state->started)
        return true;
    if (ms < 0) {
        m_state->done.wait();
        return true;
    }
    return m_state->done.wait_for(std::chrono::milliseconds(ms)) == std::future_status::ready;
}

bool FilterJob::isRunning() const
{
    return m_state->running;
}

float FilterJob::progress() const
{
    return m_state->context.progress();
}

} // namespace livepix::gui
