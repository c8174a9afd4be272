#include "viewer/displaypipeline.h"

#include <QSemaphore>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "viewer/qimagewrap.h"

namespace livepix::gui {

namespace {

/// Table index of one stored component.
template <typename T> inline std::uint32_t lutIndex(const std::uint8_t *p);
template <> inline std::uint32_t lutIndex<std::uint8_t>(const std::uint8_t *p) { return *p; }
template <> inline std::uint32_t lutIndex<std::uint16_t>(const std::uint8_t *p)
{
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <> inline std::uint32_t lutIndex<float16>(const std::uint8_t *p) { return lutIndex<std::uint16_t>(p); }
template <> inline std::uint32_t lutIndex<float>(const std::uint8_t *p)
{
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v >> DisplayLut::Float32Shift;
}

/// Which source channel feeds R, G, B and A of the display (-1: none).
struct ChannelMap {
    int r = 0, g = 0, b = 0, a = -1;
};

ChannelMap channelMap(const Image &image)
{
    ChannelMap m;
    const int n = image.channels();
    if (n == 1) {
        m = {0, 0, 0, -1};
    } else if (n == 2) {
        m = {0, 0, 0, 1};
    } else {
        m = {0, 1, 2, -1};
        const int alpha = image.alphaChannel();
        if (alpha >= 3)
            m.a = alpha;
    }
    return m;
}

struct ConvertJob {
    const std::uint8_t *origin; // pixel (0, 0)
    std::ptrdiff_t xStride, yStride;
    std::ptrdiff_t offR, offG, offB, offA; // byte offsets of the channels in a pixel
    bool hasAlpha;
    const std::uint8_t *colour;
    const std::uint8_t *alpha;
    int x0, y0, step, width, height; // source region start, step, source size
    uchar *dst;
    qsizetype dstStride;
    int outWidth;
};

/// One output pixel from the source pixel at `px`.
template <typename T, bool HasAlpha> inline std::uint32_t convertPixel(const ConvertJob &job, const std::uint8_t *px)
{
    const std::uint32_t r = job.colour[lutIndex<T>(px + job.offR)];
    const std::uint32_t g = job.colour[lutIndex<T>(px + job.offG)];
    const std::uint32_t b = job.colour[lutIndex<T>(px + job.offB)];
    const std::uint32_t rgb = 0xff000000u | (r << 16) | (g << 8) | b;
    if constexpr (HasAlpha) {
        const std::uint32_t a = job.alpha[lutIndex<T>(px + job.offA)];
        if (a != 255u) // most pixels of most images are opaque: skip the multiply
            return qPremultiply((rgb & 0x00ffffffu) | (a << 24));
    }
    return rgb;
}

template <typename T, bool HasAlpha> void convertRows(const ConvertJob &job, int rowBegin, int rowEnd)
{
    const int half = job.step / 2;
    // Output columns whose sample lies inside the image; the last block of
    // a row may be cut by the image edge and then samples its last column.
    const int room = job.width - 1 - job.x0 - half; // may be negative: no sample inside
    const int inside = room < 0 ? 0 : std::min(room / job.step + 1, job.outWidth);
    for (int j = rowBegin; j < rowEnd; ++j) {
        const int sy = std::min(job.y0 + j * job.step + half, job.height - 1);
        const std::uint8_t *srcRow = job.origin + sy * job.yStride;
        auto *out = reinterpret_cast<std::uint32_t *>(job.dst + j * job.dstStride);
        const std::uint8_t *px = srcRow + static_cast<std::ptrdiff_t>(job.x0 + half) * job.xStride;
        const std::ptrdiff_t advance = job.step * job.xStride;
        for (int i = 0; i < inside; ++i, px += advance)
            out[i] = convertPixel<T, HasAlpha>(job, px);
        const std::uint8_t *last = srcRow + static_cast<std::ptrdiff_t>(job.width - 1) * job.xStride;
        for (int i = inside; i < job.outWidth; ++i)
            out[i] = convertPixel<T, HasAlpha>(job, last);
    }
}

template <typename T> void convertRows(const ConvertJob &job, int rowBegin, int rowEnd)
{
    if (job.hasAlpha)
        convertRows<T, true>(job, rowBegin, rowEnd);
    else
        convertRows<T, false>(job, rowBegin, rowEnd);
}

} // namespace

bool DisplayPipeline::Key::operator==(const Key &o) const
{
    return !buffer.expired() && !buffer.owner_before(o.buffer) && !o.buffer.owner_before(buffer) &&
           offset == o.offset && width == o.width && height == o.height && channels == o.channels &&
           dtype == o.dtype && xStride == o.xStride && yStride == o.yStride && alpha == o.alpha &&
           revision == o.revision &&
           x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1 && step == o.step && exposure == o.exposure &&
           gamma == o.gamma;
}

DisplayPipeline::DisplayPipeline()
{
    // Threads converting a frame, the GUI thread included. The environment
    // variable lets benchmarks compare (1 = the GUI thread alone).
    int threads = QThread::idealThreadCount();
    if (const int wanted = qEnvironmentVariableIntValue("LIVEPIX_DISPLAY_THREADS"); wanted > 0)
        threads = wanted;
    m_helpers = std::clamp(threads - 1, 0, 64);
    m_pool.setMaxThreadCount(std::max(1, m_helpers));
    m_pool.setExpiryTimeout(-1);
}

bool DisplayPipeline::drawsDirectly(const Image &image)
{
    return !image.isNull() && !isFloat(image.dtype()) && wrappableFormat(image) != QImage::Format_Invalid;
}

int DisplayPipeline::stepForScale(double scale)
{
    int step = 1;
    while (step < 1024 && (step * 2) * scale <= 1.0 + 1e-9)
        step *= 2;
    return step;
}

void DisplayPipeline::clear()
{
    m_valid = false;
    m_cache = QImage();
}

DisplayFrame DisplayPipeline::frame(const Image &image, const QRectF &visible, double scale, double exposure,
                                    double gamma)
{
    DisplayFrame result;
    if (image.isNull() || scale <= 0.0)
        return result;
    const QRectF clipped = visible.intersected(QRectF(0, 0, image.width(), image.height()));
    if (clipped.isEmpty())
        return result;

    if (exposure == 0.0 && gamma == 1.0 && drawsDirectly(image)) {
        result.image = wrapImage(image);
        result.source = clipped;
        result.target = clipped;
        result.direct = true;
        return result;
    }

    Key key;
    key.buffer = image.buffer();
    key.offset = image.offset();
    key.width = image.width();
    key.height = image.height();
    key.channels = image.channels();
    key.dtype = image.dtype();
    key.xStride = image.xStride();
    key.yStride = image.yStride();
    key.alpha = image.alphaChannel(); // follows the channel names, which may change
    key.revision = image.revision();
    key.step = stepForScale(scale);
    // Align the converted region to the step grid so panning by less than a
    // block keeps the same samples (no shimmer) and the same cache.
    const int s = key.step;
    key.x0 = static_cast<int>(std::floor(clipped.left())) / s * s;
    key.y0 = static_cast<int>(std::floor(clipped.top())) / s * s;
    key.x1 = std::min(image.width(), (static_cast<int>(std::ceil(clipped.right())) + s - 1) / s * s);
    key.y1 = std::min(image.height(), (static_cast<int>(std::ceil(clipped.bottom())) + s - 1) / s * s);
    key.exposure = exposure;
    key.gamma = gamma;

    if (!(m_valid && key == m_key)) {
        convert(image, key);
        m_key = key;
        m_valid = true;
        ++m_conversions;
    }
    result.image = m_cache;
    result.source = QRectF(0, 0, m_cache.width(), m_cache.height());
    result.target = QRectF(m_key.x0, m_key.y0, m_key.x1 - m_key.x0, m_key.y1 - m_key.y0);
    return result;
}

void DisplayPipeline::convert(const Image &image, const Key &key)
{
    m_colourLut.build(image.dtype(), key.exposure, key.gamma);
    m_alphaLut.build(image.dtype(), 0.0, 1.0);

    const int outWidth = (key.x1 - key.x0 + key.step - 1) / key.step;
    const int outHeight = (key.y1 - key.y0 + key.step - 1) / key.step;
    const ChannelMap map = channelMap(image);
    // The formats QPainter blends and scales fastest (no per-pixel format
    // conversion while drawing): premultiplied ARGB, or RGB32 when opaque.
    const QImage::Format format = map.a >= 0 ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32;
    if (m_cache.width() != outWidth || m_cache.height() != outHeight || m_cache.format() != format)
        m_cache = QImage(outWidth, outHeight, format);

    ConvertJob job{};
    job.origin = image.data();
    job.xStride = image.xStride();
    job.yStride = image.yStride();
    const auto cs = static_cast<std::ptrdiff_t>(image.componentSize());
    job.offR = map.r * cs;
    job.offG = map.g * cs;
    job.offB = map.b * cs;
    job.offA = std::max(0, map.a) * cs;
    job.hasAlpha = map.a >= 0;
    job.colour = m_colourLut.table();
    job.alpha = m_alphaLut.table();
    job.x0 = key.x0;
    job.y0 = key.y0;
    job.step = key.step;
    job.width = image.width();
    job.height = image.height();
    job.dst = m_cache.bits();
    job.dstStride = m_cache.bytesPerLine();
    job.outWidth = outWidth;

    void (*rows)(const ConvertJob &, int, int) = nullptr;
    switch (image.dtype()) {
    case DType::UInt8: rows = convertRows<std::uint8_t>; break;
    case DType::UInt16: rows = convertRows<std::uint16_t>; break;
    case DType::Float16: rows = convertRows<float16>; break;
    case DType::Float32: rows = convertRows<float>; break;
    }

    // Bands of rows, a few per thread so an unlucky band does not hold up
    // the rest. This thread works too, taking bands from the same counter.
    const int threads = m_helpers + 1;
    const int bands = std::min(outHeight, threads * 4);
    if (bands <= 1 || static_cast<qint64>(outWidth) * outHeight < 65536) {
        rows(job, 0, outHeight);
        return;
    }
    std::atomic<int> next{0};
    auto work = [&job, &next, rows, bands, outHeight] {
        for (int b = next.fetch_add(1); b < bands; b = next.fetch_add(1))
            rows(job, outHeight * b / bands, outHeight * (b + 1) / bands);
    };
    QSemaphore done;
    const int helpers = m_helpers;
    for (int i = 0; i < helpers; ++i)
        m_pool.start([&work, &done] {
            work();
            done.release();
        });
    work();
    done.acquire(helpers);
}

} // namespace livepix::gui
