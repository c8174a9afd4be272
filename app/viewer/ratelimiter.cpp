#include "viewer/ratelimiter.h"

namespace livepix::gui {

RateLimiter::RateLimiter(int intervalMs, std::function<void()> start, QObject *parent)
    : QObject(parent), m_start(std::move(start)), m_interval(intervalMs)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RateLimiter::schedule);
}

void RateLimiter::request()
{
    m_pending = true;
    schedule();
}

void RateLimiter::finished()
{
    m_busy = false;
    if (m_pending)
        schedule();
}

void RateLimiter::schedule()
{
    if (!m_pending || m_busy || m_timer.isActive())
        return;
    const qint64 wait = m_lastStart.isValid() ? m_interval - m_lastStart.elapsed() : 0;
    if (wait > 0)
        m_timer.start(int(wait));
    else
        run();
}

void RateLimiter::run()
{
    m_pending = false;
    m_busy = true;
    m_lastStart.restart();
    m_start();
}

} // namespace livepix::gui
