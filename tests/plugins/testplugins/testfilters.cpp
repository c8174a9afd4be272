// Filters that misbehave on purpose, for the tests: one throws half way, one
// is slow (to cancel it), one records the parameters it was given.
#include <livepix/pluginapi.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace {

const std::vector<livepix::DType> allTypes = {livepix::DType::UInt8, livepix::DType::UInt16,
                                              livepix::DType::Float16, livepix::DType::Float32};

/// Zeroes every byte of a row (whatever the dtype).
void clearRow(const livepix::Image &image, int y)
{
    for (int x = 0; x < image.width(); ++x)
        std::fill_n(image.pixel(x, y), image.channels() * image.componentSize(), std::uint8_t(0));
}

class ThrowingFilter : public livepix::Filter {
public:
    std::string name() const override { return "Test Throw"; }
    std::vector<livepix::DType> dtypes() const override { return allTypes; }
    void apply(const livepix::Image &image, const livepix::ParamValues &, livepix::FilterContext &) const override
    {
        // Damage half the image first, so the test proves the restore.
        for (int y = 0; y < image.height() / 2; ++y)
            clearRow(image, y);
        throw std::runtime_error("deliberate failure in row " + std::to_string(image.height() / 2));
    }
};

class SlowFilter : public livepix::Filter {
public:
    std::string name() const override { return "Test Slow"; }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("row_ms", "Milliseconds per row", 0, 1000, 20)};
    }
    std::vector<livepix::DType> dtypes() const override { return allTypes; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        const auto delay = std::chrono::milliseconds(values.toInt("row_ms"));
        for (int y = 0; y < image.height(); ++y) {
            if (context.isCancelled())
                return;
            clearRow(image, y);
            context.setProgress(float(y + 1) / image.height());
            std::this_thread::sleep_for(delay);
        }
    }
};

class ParamsFilter : public livepix::Filter {
public:
    std::string name() const override { return "Test Fill"; }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("value", "Value", 0, 255, 7),
                livepix::FilterParam::makeBool("enabled", "Enabled", true),
                livepix::FilterParam::makeFloat("unused", "Unused", -1.0, 1.0, 0.25),
                livepix::FilterParam::makeChoice("mode", "Mode", {"all", "first"}, "all")};
    }
    std::vector<livepix::DType> dtypes() const override { return {livepix::DType::UInt8}; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &) const override
    {
        if (!values.toBool("enabled"))
            return;
        const int channels = values.toString("mode") == "first" ? 1 : image.channels();
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                for (int c = 0; c < channels; ++c)
                    image.at<std::uint8_t>(x, y, c) = std::uint8_t(values.toInt("value"));
    }
};

} // namespace

LIVEPIX_PLUGIN(ThrowingFilter, SlowFilter, ParamsFilter)
