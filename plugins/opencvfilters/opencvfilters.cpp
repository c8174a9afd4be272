// Gaussian blur and median filter through OpenCV, in place: an example of
// using OpenCV inside a livepix plugin.
//
// The livepix view becomes a cv::Mat over the very same memory (no copy)
// when its pixels are interleaved and its rows go forward; OpenCV then
// writes straight into the pixels the viewer shows. Other layouts (a channel
// subset, a flipped view) are packed into a Mat, filtered and written back.
// Neighbourhood filters must read unmodified input: the source is the host's
// copy of the image (FilterContext::original()), or one of our own; the result goes into the view a band of rows at a time (each
// band reads the rows its neighbourhood needs above and below, so bands join
// seamlessly), which gives progress and Cancel.
//
// Threads: OpenCV parallelises each call on its own pool. A batch worker
// that must keep to one core sets OPENCV_FOR_THREADS_NUM=1 (see docs/BATCH.md).
#include <livepix/pluginapi.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>

namespace {

int cvDepth(livepix::DType type)
{
    switch (type) {
    case livepix::DType::UInt8: return CV_8U;
    case livepix::DType::UInt16: return CV_16U;
    case livepix::DType::Float16: return CV_16F;
    case livepix::DType::Float32: return CV_32F;
    }
    return CV_8U;
}

/// True when `image` can be a cv::Mat over its own memory.
bool wrappable(const livepix::Image &image)
{
    return image.isInterleaved() && image.yStride() > 0;
}

/// A Mat over the view's memory (no copy; the caller's Image keeps the buffer alive).
cv::Mat wrap(const livepix::Image &image)
{
    return cv::Mat(image.height(), image.width(), CV_MAKETYPE(cvDepth(image.dtype()), image.channels()),
                   image.data(), std::size_t(image.yStride()));
}

/// The view's pixels as a packed Mat (a copy), for layouts wrap() cannot take.
cv::Mat pack(const livepix::Image &image)
{
    cv::Mat packed(image.height(), image.width(), CV_MAKETYPE(cvDepth(image.dtype()), image.channels()));
    const std::size_t pixel = packed.elemSize();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            std::memcpy(packed.ptr(y, x), image.pixel(x, y), pixel);
    return packed;
}

void unpack(const cv::Mat &packed, const livepix::Image &image)
{
    const std::size_t pixel = packed.elemSize();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            std::memcpy(image.pixel(x, y), packed.ptr(y, x), pixel);
}

/// Runs `op(src, dst)` over bands of rows, from a copy of the image into the
/// image (or into a packed copy written back at the end). Each band reads
/// `halo` rows more above and below, and keeps only its own rows, so bands
/// join exactly as one call over the whole image would.
void runInBands(const livepix::Image &image, livepix::FilterContext &context, int halo,
                const std::function<void(const cv::Mat &, cv::Mat &)> &op)
{
    const bool direct = wrappable(image);
    cv::Mat dst = direct ? wrap(image) : pack(image);
    // Neighbourhood ops need the unmodified input: the host's copy when it
    // keeps one (no second copy), else one of our own.
    const livepix::Image *original = context.original();
    const cv::Mat src = original && wrappable(*original) ? wrap(*original) : dst.clone();
    // Bands of about 4 MiB: progress and Cancel every few milliseconds.
    const int height = image.height();
    const int band = std::max(16, int((std::size_t(4) << 20) / std::max<std::size_t>(1, dst.step[0])));
    cv::Mat result;
    for (int y = 0; y < height; y += band) {
        if (context.isCancelled())
            return; // the host restores the pixels
        const int end = std::min(y + band, height);
        const int top = std::max(0, y - halo);
        const int bottom = std::min(height, end + halo);
        // A header of its own, not a rowRange(): OpenCV treats a submatrix
        // differently (it reads past its edges and may take another code
        // path), and a band must give what one call over the image gives.
        const cv::Mat rows(bottom - top, src.cols, src.type(), const_cast<uchar *>(src.ptr(top)), src.step[0]);
        op(rows, result);
        result.rowRange(y - top, end - top).copyTo(dst.rowRange(y, end));
        context.setProgress(float(end) / float(height));
    }
    if (!direct)
        unpack(dst, image);
}

const std::vector<livepix::DType> blurTypes = {livepix::DType::UInt8, livepix::DType::UInt16,
                                               livepix::DType::Float32};

class GaussianBlurFilter : public livepix::Filter {
public:
    /// sigma is in image pixels: the preview may draft from a reduced image
    /// with sigma reduced alike (livepix::FilterTraits::lengths).
    static constexpr const char *lengths[] = {"sigma"};
    std::string name() const override { return "Gaussian Blur (OpenCV)"; }
    std::string description() const override
    {
        return "Gaussian blur with OpenCV's cv::GaussianBlur (separable, SIMD, multi-threaded); "
               "the same kernel width as Gaussian Blur (OIIO): +-3 sigma.";
    }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeFloat("sigma", "Sigma (pixels)", 0.3, 50.0, 2.0)};
    }
    std::vector<livepix::DType> dtypes() const override { return blurTypes; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        const double sigma = values.toDouble("sigma");
        const int width = int(std::ceil(sigma * 3.0)) * 2 + 1;
        runInBands(image, context, width / 2, [&](const cv::Mat &src, cv::Mat &dst) {
            cv::GaussianBlur(src, dst, cv::Size(width, width), sigma, sigma, cv::BORDER_REFLECT_101);
        });
    }
};

class MedianFilter : public livepix::Filter {
public:
    static constexpr const char *lengths[] = {"size"};
    std::string name() const override { return "Median (OpenCV)"; }
    std::string description() const override
    {
        return "Median filter with OpenCV's cv::medianBlur: odd sizes; 3 and 5 for every type, "
               "larger sizes for uint8 images.";
    }
    std::vector<livepix::FilterParam> params() const override
    {
        return {livepix::FilterParam::makeInt("size", "Window size (pixels, odd)", 3, 31, 3)};
    }
    std::vector<livepix::DType> dtypes() const override { return blurTypes; }
    void apply(const livepix::Image &image, const livepix::ParamValues &values,
               livepix::FilterContext &context) const override
    {
        const int size = int(values.toInt("size"));
        if (size % 2 == 0)
            throw std::invalid_argument("Median (OpenCV): size must be odd, got " + std::to_string(size));
        if (size > 5 && image.dtype() != livepix::DType::UInt8)
            throw std::invalid_argument("Median (OpenCV): sizes above 5 need a uint8 image (OpenCV's medianBlur); "
                                        "use Median (OIIO) for this one");
        const int channels = image.channels();
        runInBands(image, context, size / 2, [&](const cv::Mat &src, cv::Mat &dst) {
            if (channels == 1 || channels == 3 || channels == 4) {
                cv::medianBlur(src, dst, size);
                return;
            }
            // medianBlur takes 1, 3 or 4 channels: others one plane at a time.
            dst.create(src.size(), src.type());
            for (int c = 0; c < channels; ++c) {
                cv::Mat plane, result;
                cv::extractChannel(src, plane, c);
                cv::medianBlur(plane, result, size);
                cv::insertChannel(result, dst, c);
            }
        });
    }
};

} // namespace

LIVEPIX_PLUGIN(GaussianBlurFilter, MedianFilter)
