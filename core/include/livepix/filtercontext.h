#pragma once
// FilterContext: the channel between a running filter and whoever started it.
#include <atomic>
#include <functional>
#include <mutex>

#include "livepix/export.h"

namespace livepix {

class Image;

/// Progress out of a filter run, cancellation into it.
///
/// Threading: the filter (on a worker thread) calls setProgress() and
/// isCancelled(); any other thread (the GUI) calls progress() and cancel().
/// All members are safe to call concurrently. A filter should look at
/// isCancelled() every few rows and return (or throw) soon after it turns
/// true; runFilter() then restores the pixels.
class LIVEPIX_API FilterContext {
public:
    FilterContext() = default;
    FilterContext(const FilterContext &) = delete;
    FilterContext &operator=(const FilterContext &) = delete;

    /// Fraction done in [0, 1] (values outside are clamped).
    void setProgress(float fraction);
    float progress() const { return m_progress.load(std::memory_order_relaxed); }

    /// Asks the filter to stop. Calls the cancel handler, if any, once.
    void cancel();
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }
    /// Throws FilterCancelled when cancelled (a one-line check for loops).
    void throwIfCancelled(const char *filterName = "filter") const;

    /// Called (on the thread that calls cancel()) when the run is cancelled;
    /// lets a filter that cannot poll be interrupted, e.g. a Python filter
    /// gets an asynchronous KeyboardInterrupt. Replaces any previous handler;
    /// an empty function removes it.
    void setCancelHandler(std::function<void()> handler);

    /// The image's pixels as they were when the run started (read-only),
    /// when the host keeps such a copy to restore them on failure or cancel
    /// (runFilter() does); null otherwise. A neighbourhood filter reads its
    /// input from here instead of copying the image first. Same size,
    /// channels and dtype as the image, in a layout of its own (read it
    /// through its own strides). Valid during apply() only.
    const Image *original() const { return m_original; }
    /// Set by the host around apply().
    void setOriginal(const Image *before) { m_original = before; }

private:
    std::atomic<float> m_progress{0.f};
    std::atomic<bool> m_cancelled{false};
    std::mutex m_handlerMutex;
    std::function<void()> m_cancelHandler;
    const Image *m_original = nullptr; // written by the host before and after apply(); read by the filter
};

} // namespace livepix
