// A plugin whose registration throws (e.g. a resource it needs is missing).
#include <livepix/pluginapi.h>

#include <stdexcept>

namespace {
class NeverFilter : public livepix::Filter {
public:
    NeverFilter() { throw std::runtime_error("cannot find my lookup table"); }
    std::string name() const override { return "Never"; }
    std::vector<livepix::DType> dtypes() const override { return {livepix::DType::UInt8}; }
    void apply(const livepix::Image &, const livepix::ParamValues &, livepix::FilterContext &) const override {}
};
} // namespace

LIVEPIX_PLUGIN(NeverFilter)
