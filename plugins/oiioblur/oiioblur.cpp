// Gaussian blur and median filter through OpenImageIO, in place.
//
// The livepix view is wrapped in an ImageBuf with no copy (OIIO calls such
// storage an "app buffer"): ImageBufAlgo then writes straight into the pixels
// the viewer shows. Neighbourhood operations cannot read and write the same
// pixels, so the source is the host's copy of the image (FilterContext::original())
// or one of our own; the result goes into the
// wrapped view, a band of rows at a time, which gives progress and Cancel.
#include <livepix/pluginapi.h>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>

namespace {

namespace OIIO = OIIO_NAMESPACE;

OIIO::TypeDesc oiioType(livepix::DType type)
{
    switch (type) {
    case livepix::DType::UInt8: return OIIO::TypeDesc::UINT8;
    case livepix::DType::UInt16: return OIIO::TypeDesc::UINT16;
    case livepix::DType::Float16: return OIIO::TypeDesc::HALF;
    case livepix::DType::Float32: return OIIO::TypeDesc::FLOAT;
    }
    return OIIO::TypeDesc::UINT8;
}

/// An ImageBuf over the view's own memory (no copy; the view keeps the buffer alive).
OIIO::ImageBuf wrap(const livepix::Image &image)
{
    OIIO::ImageSpec spec(image.width(), image.height(), image.channels(), oiioType(image.dtype()));
    return OIIO::ImageBuf(spec, image.data(), image.xStride(), image.yStride());
}

/// Runs `op(dst, src, roi)` band by band, from a copy of the image into the image.
template <typename Op>
void runInBands(const livepix::Image &image, livepix::FilterContext &context, const char *what, Op op)
{
    OIIO::ImageBuf dst = wrap(image);
    // Neighbourhood ops need the unmodified input: the host's copy when it
    // keeps one (no second copy), else one of our own.
    OIIO::ImageBuf src;
    if (const livepix::Image *original = context.original())
        src = wrap(*original);
    else
        src.copy(dst);
    const int band = 64;
    for (int y = 0; y < image.height(); y += band) {
        if (context.isCancelled())
            return;
        OIIO::ROI roi(0, image.width(), y, std::min(y + band, image.height()), 0, 1, 0, image.channels());
        if (!op(dst, src, roi))
            throw std::runtime_error(std::string(what) + ": " + dst.geterror());
        context.setProgress(float(roi.yend) / image.height());
    }
}

const std::vector<livepix::DType> allTypes = {livepix::DType::UInt8, livepix::DType::UInt16,
                                              livepix::DType::Float16, livepix::DType::Float32};

class GaussianBlurFilter : public livepix::Filter {
public:
    /// sigma is in image pixels: the preview may draft from a reduced image
    /// with sigma reduced alike (livepix::FilterTraits::lengths).
    static constexpr const char *lengths[] = {"sigma"};
    std::string name() const override { return "Gaussian Blur (OIIO)"; }
    std::string description() const override
    {
        return "Gaussian blur with OpenImageIO's ImageBufAlgo::convolve (two 1-D passes).";
    }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeFloat("sigma", "Sigma (pixels)", 0.3, 50.0, 2.0)};
    }
    std::vector<livepix::DType> dtypes() const override { return allTypes; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        const float sigma = float(values.toDouble("sigma"));
        const float width = std::ceil(sigma * 3.f) * 2.f + 1.f; // +-3 sigma
        // OIIO's "gaussian" kernel of full width w has sigma w/6. A 2-D
        // gaussian is separable: a horizontal pass into a float buffer, then
        // a vertical pass into the image costs 2w instead of w*w per pixel.
        OIIO::ImageBuf across = OIIO::ImageBufAlgo::make_kernel("gaussian", width, 1);
        OIIO::ImageBuf down = OIIO::ImageBufAlgo::make_kernel("gaussian", 1, width);
        OIIO::ImageBuf dst = wrap(image);
        OIIO::ImageBuf horizontal;
        if (!OIIO::ImageBufAlgo::convolve(horizontal, dst, across))
            throw std::runtime_error("convolve: " + horizontal.geterror());
        context.setProgress(0.3f);
        const int band = 64;
        for (int y = 0; y < image.height(); y += band) {
            if (context.isCancelled())
                return;
            OIIO::ROI roi(0, image.width(), y, std::min(y + band, image.height()), 0, 1, 0, image.channels());
            if (!OIIO::ImageBufAlgo::convolve(dst, horizontal, down, true, roi))
                throw std::runtime_error("convolve: " + dst.geterror());
            context.setProgress(0.3f + 0.7f * float(roi.yend) / image.height());
        }
    }
};

class MedianFilter : public livepix::Filter {
public:
    static constexpr const char *lengths[] = {"size"};
    std::string name() const override { return "Median (OIIO)"; }
    std::string description() const override { return "Median filter with OpenImageIO's ImageBufAlgo::median_filter."; }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("size", "Window size (pixels)", 1, 31, 3)};
    }
    std::vector<livepix::DType> dtypes() const override { return allTypes; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        const int size = int(values.toInt("size"));
        runInBands(image, context, "median_filter", [&](OIIO::ImageBuf &dst, const OIIO::ImageBuf &src, OIIO::ROI roi) {
            return OIIO::ImageBufAlgo::median_filter(dst, src, size, size, roi);
        });
    }
};

} // namespace

LIVEPIX_PLUGIN(GaussianBlurFilter, MedianFilter)
