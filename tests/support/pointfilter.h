#pragma once
// AddFilter: a pointwise filter for tests of drafts and pointwise previews,
// which remembers the sizes it was run on and shares BoxFilter's gate.
#include <livepix/filter.h>
#include <livepix/filtercontext.h>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "boxfilter.h"

namespace testfilters {

/// "Test Add": adds `amount` to every channel of uint8 images, modulo 256,
/// each pixel on its own (declares FilterTraits::pointwise).
/// Threading: apply() from any thread; sizes() locks a mutex.
class AddFilter : public livepix::Filter {
public:
    static constexpr bool pointwise = true;

    explicit AddFilter(std::shared_ptr<Gate> gate = {}) : m_gate(std::move(gate)) {}

    std::string name() const override { return "Test Add"; }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("amount", "Amount", 0, 255, 1)};
    }
    std::vector<livepix::DType> dtypes() const override { return {livepix::DType::UInt8}; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_sizes.emplace_back(image.width(), image.height());
        }
        if (m_gate)
            m_gate->pass(image.width(), context);
        const auto amount = std::uint8_t(values.toInt("amount"));
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                std::uint8_t *p = image.pixel(x, y);
                for (int c = 0; c < image.channels(); ++c)
                    p[c] = std::uint8_t(p[c] + amount);
            }
    }

    /// Width and height of every image apply() was given, in call order.
    std::vector<std::pair<int, int>> sizes() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_sizes;
    }

private:
    std::shared_ptr<Gate> m_gate;
    mutable std::mutex m_mutex;
    mutable std::vector<std::pair<int, int>> m_sizes;
};

} // namespace testfilters
