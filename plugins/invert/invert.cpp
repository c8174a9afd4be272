// Invert: the minimal livepix C++ plugin (copy this file to start your own).
#include <livepix/pluginapi.h>

#include <cstdint>
#include <limits>
#include <type_traits>

namespace {

// White minus value: 255 for uint8, 65535 for uint16, 1.0 for float images.
template <typename T> T whiteOf()
{
    if constexpr (std::is_integral_v<T>)
        return std::numeric_limits<T>::max();
    else
        return T(1.0f);
}

template <typename T> void invert(const livepix::Image &image, livepix::FilterContext &context)
{
    // Alpha (straight, not premultiplied) stays as it is.
    const int colours = image.alphaChannel() >= 0 ? image.channels() - 1 : image.channels();
    for (int y = 0; y < image.height() && !context.isCancelled(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            T *pixel = reinterpret_cast<T *>(image.pixel(x, y));
            for (int c = 0; c < colours; ++c)
                pixel[c] = T(whiteOf<T>() - pixel[c]);
        }
        context.setProgress(float(y + 1) / image.height());
    }
}

class InvertFilter : public livepix::Filter {
public:
    std::string name() const override { return "Invert"; }
    std::string description() const override { return "Inverts the colour channels (not alpha)."; }
    std::vector<livepix::DType> dtypes() const override
    {
        using livepix::DType;
        return {DType::UInt8, DType::UInt16, DType::Float16, DType::Float32};
    }
    void apply(const livepix::Image &image, const livepix::ParamValues &, livepix::FilterContext &context) const override
    {
        switch (image.dtype()) {
        case livepix::DType::UInt8: invert<std::uint8_t>(image, context); break;
        case livepix::DType::UInt16: invert<std::uint16_t>(image, context); break;
        case livepix::DType::Float16: invert<livepix::float16>(image, context); break;
        case livepix::DType::Float32: invert<float>(image, context); break;
        }
    }
};

} // namespace

LIVEPIX_PLUGIN(InvertFilter)
