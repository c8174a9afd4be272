#include "livepix/filtercontext.h"

#include <algorithm>

#include "livepix/filtererror.h"

namespace livepix {

void FilterContext::setProgress(float fraction)
{
    m_progress.store(std::clamp(fraction, 0.f, 1.f), std::memory_order_relaxed);
}

void FilterContext::cancel()
{
    if (m_cancelled.exchange(true, std::memory_order_acq_rel))
        return;
    std::function<void()> handler;
    {
        std::lock_guard lock(m_handlerMutex);
        handler = m_cancelHandler;
    }
    if (handler)
        handler();
}

void FilterContext::throwIfCancelled(const char *filterName) const
{
    if (isCancelled())
        throw FilterCancelled(filterName);
}

void FilterContext::setCancelHandler(std::function<void()> handler)
{
    std::lock_guard lock(m_handlerMutex);
    m_cancelHandler = std::move(handler);
}

} // namespace livepix
