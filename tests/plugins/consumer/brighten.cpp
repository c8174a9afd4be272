// Brighten: an out-of-tree plugin that only sees the installed SDK.
#include <livepix/pluginapi.h>

#include <algorithm>

namespace {

class BrightenFilter : public livepix::Filter {
public:
    std::string name() const override { return "Brighten"; }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("amount", "Amount", 0, 255, 10)};
    }
    std::vector<livepix::DType> dtypes() const override { return {livepix::DType::UInt8}; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        const int amount = int(values.toInt("amount"));
        for (int y = 0; y < image.height() && !context.isCancelled(); ++y)
            for (int x = 0; x < image.width(); ++x)
                for (int c = 0; c < image.channels(); ++c) {
                    std::uint8_t &v = image.at<std::uint8_t>(x, y, c);
                    v = std::uint8_t(std::min(255, v + amount));
                }
    }
};

} // namespace

LIVEPIX_PLUGIN(BrightenFilter)
