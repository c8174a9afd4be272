#pragma once
// BoxFilter: a neighbourhood filter for tests of region and preview runs,
// with a gate that holds back its runs on large images.
#include <livepix/filter.h>
#include <livepix/filtercontext.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace testfilters {

/// Where a BoxFilter's runs on images at least `minWidth` wide wait while
/// the gate is closed: a test sees what a preview's region pass did before
/// the whole-image pass may write. `heedCancel` false makes a waiting run
/// ignore a cancel, like one long OpenImageIO or OpenCV call.
/// Threading: any thread (a mutex and a condition variable).
class Gate {
public:
    void close(int minWidth, bool heedCancel)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_open = false;
        m_minWidth = minWidth;
        m_heedCancel = heedCancel;
    }
    void open()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_open = true;
        }
        m_changed.notify_all();
    }
    int waiting() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_waiting;
    }
    void pass(int width, const livepix::FilterContext &context)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_open || width < m_minWidth)
            return;
        ++m_waiting;
        while (!m_open && !(m_heedCancel && context.isCancelled()))
            m_changed.wait_for(lock, std::chrono::milliseconds(5));
        --m_waiting;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = true;
    bool m_heedCancel = true;
    int m_minWidth = 0;
    int m_waiting = 0;
};

/// "Test Box": the mean of the (2 radius + 1)^2 window around each pixel,
/// edges clamped, on uint8 images; "fail" makes it throw.
class BoxFilter : public livepix::Filter {
public:
    explicit BoxFilter(std::shared_ptr<Gate> gate = {}) : m_gate(std::move(gate)) {}

    std::string name() const override { return "Test Box"; }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("radius", "Radius", 0, 300, 1),
                livepix::FilterParam::makeBool("fail", "Fail", false)};
    }
    std::vector<livepix::DType> dtypes() const override { return {livepix::DType::UInt8}; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        if (m_gate)
            m_gate->pass(image.width(), context);
        if (values.toBool("fail"))
            throw std::runtime_error("Test Box was asked to fail");
        const int r = int(values.toInt("radius"));
        const int w = image.width(), h = image.height(), c = image.channels();
        // Separable: rows into `across`, then columns back into the image.
        std::vector<int> across(std::size_t(w) * h * c);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int ch = 0; ch < c; ++ch) {
                    int sum = 0;
                    for (int d = -r; d <= r; ++d)
                        sum += image.row(y)[std::clamp(x + d, 0, w - 1) * c + ch];
                    across[(std::size_t(y) * w + x) * c + ch] = sum;
                }
        const int count = (2 * r + 1) * (2 * r + 1);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int ch = 0; ch < c; ++ch) {
                    int sum = 0;
                    for (int d = -r; d <= r; ++d)
                        sum += across[(std::size_t(std::clamp(y + d, 0, h - 1)) * w + x) * c + ch];
                    image.row(y)[x * c + ch] = std::uint8_t((sum + count / 2) / count);
                }
    }

private:
    std::shared_ptr<Gate> m_gate;
};

} // namespace testfilters
