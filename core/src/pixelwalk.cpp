#include "pixelwalk.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace livepix::detail {

namespace {

// Below this many components a pass stays on the calling thread: starting a
// thread costs about as much as reading this many values.
constexpr std::size_t MinValuesPerThread = 1 << 16;

int hardwareThreads()
{
    int threads = static_cast<int>(std::thread::hardware_concurrency());
    if (const char *wanted = std::getenv("LIVEPIX_CORE_THREADS"); wanted && std::atoi(wanted) > 0)
        threads = std::atoi(wanted);
    return std::clamp(threads, 1, 64);
}

} // namespace

PixelGrid PixelGrid::cover(int width, int height, std::size_t budget)
{
    PixelGrid grid;
    grid.cols = std::max(width, 0);
    grid.rows = std::max(height, 0);
    const std::size_t pixels = grid.pixels();
    if (budget == 0 || pixels <= budget)
        return grid;
    int step = std::max(2, static_cast<int>(std::ceil(std::sqrt(double(pixels) / double(budget)))));
    auto cells = [&](int s) { return static_cast<std::size_t>((width + s - 1) / s) * ((height + s - 1) / s); };
    while (cells(step) > budget) // sqrt may land one short of the step that fits
        ++step;
    grid.step = step;
    grid.x0 = std::min(step / 2, width - 1);
    grid.y0 = std::min(step / 2, height - 1);
    grid.cols = (width - grid.x0 + step - 1) / step;
    grid.rows = (height - grid.y0 + step - 1) / step;
    return grid;
}

RowBands::RowBands(int rows, std::size_t valuesPerRow) : m_rows(std::max(rows, 0))
{
    const std::size_t values = valuesPerRow * static_cast<std::size_t>(m_rows);
    const std::size_t byWork = std::max<std::size_t>(1, values / MinValuesPerThread);
    m_threads = static_cast<int>(std::min<std::size_t>({std::size_t(hardwareThreads()), byWork,
                                                        std::size_t(std::max(m_rows, 1))}));
    // Several bands per thread, so a thread slowed by the machine does not
    // hold the others up and a cancel is seen soon.
    m_bandRows = std::max(1, m_rows / (m_threads * 8));
}

bool RowBands::run(const std::function<void(int thread, int begin, int end)> &work,
                   const std::atomic<bool> *cancel) const
{
    std::atomic<int> next{0};
    std::atomic<bool> stopped{false};
    std::atomic<bool> failed{false};
    std::exception_ptr failure; // written under failureLock, read after the joins
    std::mutex failureLock;
    auto loop = [&](int thread) {
        try {
            for (;;) {
                if (cancel && cancel->load(std::memory_order_relaxed)) {
                    stopped = true;
                    return;
                }
                if (failed.load(std::memory_order_relaxed))
                    return;
                const int begin = next.fetch_add(m_bandRows);
                if (begin >= m_rows)
                    return;
                work(thread, begin, std::min(m_rows, begin + m_bandRows));
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(failureLock);
            if (!failure)
                failure = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> helpers;
    helpers.reserve(static_cast<std::size_t>(m_threads - 1));
    for (int t = 1; t < m_threads; ++t)
        helpers.emplace_back(loop, t);
    loop(0);
    for (auto &helper : helpers)
        helper.join();
    if (failure)
        std::rethrow_exception(failure);
    return !stopped;
}

} // namespace livepix::detail
