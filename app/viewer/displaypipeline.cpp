#include "viewer/displaypipeline.h"

#include <QSemaphore>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include <livepix/autolevels.h>
#include <livepix/colormap.h>

#include "display/ocioconfig.h"
#include "viewer/qimagewrap.h"
#include "viewer/trackedchanges.h"

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

/// NaN or infinity from the raw bits (integers have none).
template <typename T> inline SpecialValue specialOf(const std::uint8_t *) { return SpecialValue::None; }
template <> inline SpecialValue specialOf<float>(const std::uint8_t *p)
{
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    if ((v & 0x7f800000u) != 0x7f800000u)
        return SpecialValue::None;
    return (v & 0x007fffffu) ? SpecialValue::NaN : (v >> 31 ? SpecialValue::NegInf : SpecialValue::PosInf);
}
template <> inline SpecialValue specialOf<float16>(const std::uint8_t *p)
{
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    if ((v & 0x7c00u) != 0x7c00u)
        return SpecialValue::None;
    return (v & 0x03ffu) ? SpecialValue::NaN : (v >> 15 ? SpecialValue::NegInf : SpecialValue::PosInf);
}

template <typename T> inline float readFloat(const std::uint8_t *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return static_cast<float>(v);
}

template <typename T> constexpr bool hasSpecials = std::is_same_v<T, float> || std::is_same_v<T, float16>;

inline QRgb specialColour(SpecialValue s)
{
    switch (s) {
    case SpecialValue::NaN: return DisplayPipeline::nanColour();
    case SpecialValue::PosInf: return DisplayPipeline::posInfColour();
    default: return DisplayPipeline::negInfColour();
    }
}

/// NaN wins over infinities: one NaN component makes the pixel NaN.
inline SpecialValue worst(SpecialValue a, SpecialValue b)
{
    if (a == SpecialValue::NaN || b == SpecialValue::NaN)
        return SpecialValue::NaN;
    return a != SpecialValue::None ? a : b;
}

struct ConvertJob {
    const std::uint8_t *origin; // pixel (0, 0)
    std::ptrdiff_t xStride, yStride;
    std::ptrdiff_t offR, offG, offB, offA; // byte offsets of the channels in a pixel
    bool hasAlpha;
    const std::uint8_t *lutR, *lutG, *lutB;
    const std::uint8_t *alpha;
    const QRgb *palette; // one shown channel with a colormap; else null
    std::array<LutParams, 3> params; // OpenColorIO path only
    const OcioProcessor *ocio;       // OpenColorIO path only
    int x0, y0, step, width, height; // source region start, step, source size
    uchar *dst;
    qsizetype dstStride;
    int outWidth;
};

enum class Mode { Rgb, Grey, Mapped };

inline std::uint32_t withAlpha(std::uint32_t rgb, std::uint32_t a)
{
    // Most pixels of most images are opaque: skip the multiply.
    return a == 255u ? rgb : qPremultiply((rgb & 0x00ffffffu) | (a << 24));
}

/// One output pixel from the source pixel at `px`.
template <typename T, bool HasAlpha, Mode M> inline std::uint32_t convertPixel(const ConvertJob &job, const std::uint8_t *px)
{
    std::uint32_t rgb;
    if constexpr (M == Mode::Rgb) {
        if constexpr (hasSpecials<T>) {
            const SpecialValue s = worst(worst(specialOf<T>(px + job.offR), specialOf<T>(px + job.offG)),
                                         specialOf<T>(px + job.offB));
            if (s != SpecialValue::None) [[unlikely]]
                return specialColour(s);
        }
        const std::uint32_t r = job.lutR[lutIndex<T>(px + job.offR)];
        const std::uint32_t g = job.lutG[lutIndex<T>(px + job.offG)];
        const std::uint32_t b = job.lutB[lutIndex<T>(px + job.offB)];
        rgb = 0xff000000u | (r << 16) | (g << 8) | b;
    } else {
        if constexpr (hasSpecials<T>) {
            const SpecialValue s = specialOf<T>(px + job.offR);
            if (s != SpecialValue::None) [[unlikely]]
                return specialColour(s);
        }
        const std::uint32_t v = job.lutR[lutIndex<T>(px + job.offR)];
        rgb = M == Mode::Mapped ? job.palette[v] : 0xff000000u | (v * 0x010101u);
    }
    if constexpr (HasAlpha)
        return withAlpha(rgb, job.alpha[lutIndex<T>(px + job.offA)]);
    return rgb;
}

/// Calls pixel(out, srcPixel) for each output column of output row j.
template <typename F> inline void forEachSample(const ConvertJob &job, int j, F &&pixel)
{
    const int half = job.step / 2;
    // Output columns whose sample lies inside the image; the last block of
    // a row may be cut by the image edge and then samples its last column.
    const int room = job.width - 1 - job.x0 - half; // may be negative: no sample inside
    const int inside = room < 0 ? 0 : std::min(room / job.step + 1, job.outWidth);
    const int sy = std::min(job.y0 + j * job.step + half, job.height - 1);
    const std::uint8_t *srcRow = job.origin + sy * job.yStride;
    const std::uint8_t *px = srcRow + static_cast<std::ptrdiff_t>(job.x0 + half) * job.xStride;
    const std::ptrdiff_t advance = job.step * job.xStride;
    for (int i = 0; i < inside; ++i, px += advance)
        pixel(i, px);
    const std::uint8_t *last = srcRow + static_cast<std::ptrdiff_t>(job.width - 1) * job.xStride;
    for (int i = inside; i < job.outWidth; ++i)
        pixel(i, last);
}

template <typename T, bool HasAlpha, Mode M> void convertRows(const ConvertJob &job, int rowBegin, int rowEnd)
{
    for (int j = rowBegin; j < rowEnd; ++j) {
        auto *out = reinterpret_cast<std::uint32_t *>(job.dst + j * job.dstStride);
        forEachSample(job, j, [&](int i, const std::uint8_t *px) { out[i] = convertPixel<T, HasAlpha, M>(job, px); });
    }
}

template <typename T> void convertRows(const ConvertJob &job, int rowBegin, int rowEnd)
{
    const Mode m = job.palette ? Mode::Mapped : (job.offR == job.offG && job.offG == job.offB ? Mode::Grey : Mode::Rgb);
    if (job.hasAlpha) {
        switch (m) {
        case Mode::Rgb: return convertRows<T, true, Mode::Rgb>(job, rowBegin, rowEnd);
        case Mode::Grey: return convertRows<T, true, Mode::Grey>(job, rowBegin, rowEnd);
        case Mode::Mapped: return convertRows<T, true, Mode::Mapped>(job, rowBegin, rowEnd);
        }
    }
    switch (m) {
    case Mode::Rgb: return convertRows<T, false, Mode::Rgb>(job, rowBegin, rowEnd);
    case Mode::Grey: return convertRows<T, false, Mode::Grey>(job, rowBegin, rowEnd);
    case Mode::Mapped: return convertRows<T, false, Mode::Mapped>(job, rowBegin, rowEnd);
    }
}

/// The OpenColorIO path: levels-normalised linear RGB in float, the OCIO
/// processor, then gamma and bytes. Slower than the tables (the transform is
/// not per channel), used only when a config's display/view is chosen.
template <typename T> void convertRowsOcio(const ConvertJob &job, int rowBegin, int rowEnd)
{
    std::vector<float> rgb(static_cast<std::size_t>(job.outWidth) * 3);
    std::vector<SpecialValue> specials(job.outWidth);
    const std::ptrdiff_t offs[3] = {job.offR, job.offG, job.offB};
    double scale[3], shift[3];
    for (int c = 0; c < 3; ++c) { // ((v * 2^e + offset) - lo) / (hi - lo) as v * scale + shift
        const LutParams &p = job.params[c];
        scale[c] = std::exp2(p.exposure) / (p.hi - p.lo);
        shift[c] = (p.offset - p.lo) / (p.hi - p.lo);
    }
    const double inverseGamma = 1.0 / job.params[0].gamma;
    for (int j = rowBegin; j < rowEnd; ++j) {
        auto *out = reinterpret_cast<std::uint32_t *>(job.dst + j * job.dstStride);
        forEachSample(job, j, [&](int i, const std::uint8_t *px) {
            SpecialValue s = SpecialValue::None;
            for (int c = 0; c < 3; ++c) {
                s = worst(s, specialOf<T>(px + offs[c]));
                rgb[3 * i + c] = static_cast<float>(readFloat<T>(px + offs[c]) * scale[c] + shift[c]);
            }
            specials[i] = s;
            out[i] = job.hasAlpha ? job.alpha[lutIndex<T>(px + job.offA)] : 255u; // alpha, for now
        });
        job.ocio->apply(rgb.data(), job.outWidth);
        for (int i = 0; i < job.outWidth; ++i) {
            if (specials[i] != SpecialValue::None) {
                out[i] = specialColour(specials[i]);
                continue;
            }
            std::uint32_t bytes[3];
            for (int c = 0; c < 3; ++c) {
                double u = std::clamp(static_cast<double>(rgb[3 * i + c]), 0.0, 1.0);
                if (inverseGamma != 1.0)
                    u = std::pow(u, inverseGamma);
                bytes[c] = static_cast<std::uint32_t>(std::lround(u * 255.0));
            }
            const std::uint32_t colour = 0xff000000u | (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];
            out[i] = job.hasAlpha ? withAlpha(colour, out[i]) : colour;
        }
    }
}

} // namespace

bool DisplayPipeline::Plan::operator==(const Plan &o) const
{
    return map == o.map && params == o.params && colormap == o.colormap && ocioId == o.ocioId;
}

bool DisplayPipeline::Key::sameButRevision(const Key &o) const
{
    Key other = o;
    other.image.revision = image.revision;
    return *this == other;
}

bool DisplayPipeline::Key::operator==(const Key &o) const
{
    // A cache made for a buffer that is gone never matches, not even another null key.
    return !image.buffer.expired() && image == o.image && x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1 && step == o.step && plan == o.plan;
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

DisplayPipeline::~DisplayPipeline() = default;

bool DisplayPipeline::drawsDirectly(const Image &image)
{
    return !image.isNull() && !isFloat(image.dtype()) && wrappableFormat(image) != QImage::Format_Invalid;
}

LevelRange DisplayPipeline::levelsFor(const DisplaySettings &settings, int channel, DType type)
{
    if (channel >= 0 && channel < int(settings.levels.size()))
        return settings.levels[channel];
    return fullRange(type);
}

DisplayPipeline::ChannelMap DisplayPipeline::channelMap(const Image &image, const DisplaySettings &settings)
{
    ChannelMap m;
    const int n = image.channels();
    const auto valid = [n](int c) { return c >= 0 && c < n; };
    if (valid(settings.channel))
        return {settings.channel, settings.channel, settings.channel, -1};
    const std::vector<int> &group = settings.channelGroup;
    if (!group.empty() && std::all_of(group.begin(), group.end(), valid)) {
        if (group.size() < 3)
            return {group[0], group[0], group[0], group.size() == 2 ? group[1] : -1};
        return {group[0], group[1], group[2], group.size() >= 4 ? group[3] : -1};
    }
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

int DisplayPipeline::boxAlpha(const Image &image, const DisplaySettings &settings)
{
    const int a = channelMap(image, settings).a;
    return a >= 1 && a == image.channels() - 1 ? a : -1;
}

bool DisplayPipeline::showsAsStored(const Image &image, const DisplaySettings &settings)
{
    if (image.isNull() || settings.viewTransform != ViewTransform::None || settings.exposure != 0.0 ||
        settings.offset != 0.0 || settings.gamma != 1.0)
        return false;
    const ChannelMap map = channelMap(image, settings);
    DisplaySettings plain;
    if (!(map == channelMap(image, plain)))
        return false;
    if (map.grey() && !settings.colormap.isEmpty() && settings.colormap.compare(QLatin1String("gray"), Qt::CaseInsensitive) != 0)
        return false;
    const LevelRange full = fullRange(image.dtype());
    for (int c : {map.r, map.g, map.b})
        if (!(levelsFor(settings, c, image.dtype()) == full))
            return false;
    return true;
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
    m_box.clear();
}

std::shared_ptr<const OcioProcessor> DisplayPipeline::ocioProcessor(const Image &image, const DisplaySettings &settings)
{
    QString error;
    const std::shared_ptr<const OcioConfig> config = OcioConfig::fromEnvironment(&error);
    if (!config) {
        m_colourError = error.isEmpty() ? QStringLiteral("no OpenColorIO config ($OCIO is not set)") : error;
        return nullptr;
    }
    QString input = settings.inputColorspace;
    if (input.isEmpty()) {
        const auto fileSpace = image.metadata().get("oiio:ColorSpace");
        input = config->findColorSpace(fileSpace ? QString::fromStdString(*fileSpace) : QString());
    }
    if (input.isEmpty())
        input = config->sceneLinearSpace();
    const QString display = settings.ocioDisplay.isEmpty() ? config->defaultDisplay() : settings.ocioDisplay;
    const QString view = settings.ocioView.isEmpty() ? config->defaultView(display) : settings.ocioView;
    const QString request = QStringList{config->path(), input, display, view}.join(QChar(0));
    if (request != m_ocioRequest || !m_ocioProcessor) {
        m_ocioRequest = request;
        m_ocioProcessor = config->processor(input, display, view, &error);
        m_ocioError = m_ocioProcessor ? QString() : error;
    }
    m_colourError = m_ocioError;
    return m_ocioProcessor;
}

DisplayPipeline::Plan DisplayPipeline::makePlan(const Image &image, const DisplaySettings &settings)
{
    Plan plan;
    plan.map = channelMap(image, settings);
    m_colourError.clear();
    Transfer transfer = settings.viewTransform == ViewTransform::SRGB ? Transfer::SRGB : Transfer::Gamma;
    if (settings.viewTransform == ViewTransform::Ocio) {
        plan.ocio = ocioProcessor(image, settings);
        if (plan.ocio)
            plan.ocioId = plan.ocio->cacheId();
        else
            transfer = Transfer::SRGB; // the built-in view transform, and colourError() says why
    }
    const int shown[3] = {plan.map.r, plan.map.g, plan.map.b};
    for (int i = 0; i < 3; ++i) {
        const LevelRange range = levelsFor(settings, shown[i], image.dtype());
        LutParams &p = plan.params[i];
        p.lo = range.lo;
        p.hi = range.hi;
        p.exposure = settings.exposure;
        p.offset = settings.offset;
        p.gamma = settings.gamma;
        p.transfer = transfer;
    }
    if (plan.map.grey() && !plan.ocio && !settings.colormap.isEmpty())
        plan.colormap = findColormap(settings.colormap.toStdString());
    return plan;
}

DisplayFrame DisplayPipeline::frame(const Image &image, const QRectF &visible, double scale, double exposure,
                                    double gamma)
{
    DisplaySettings settings;
    settings.exposure = exposure;
    settings.gamma = gamma;
    return frame(image, visible, scale, settings);
}

DisplayFrame DisplayPipeline::frame(const Image &image, const QRectF &visible, double scale,
                                    const DisplaySettings &settings, Reduction reduction)
{
    DisplayFrame result;
    if (image.isNull() || scale <= 0.0)
        return result;
    const QRectF clipped = visible.intersected(QRectF(0, 0, image.width(), image.height()));
    if (clipped.isEmpty())
        return result;
    if (reduction == Reduction::Box && scale < 1.0 && BoxReduction::supports(image))
        return boxFrame(image, clipped, scale, settings);

    const bool draftBelowOne = reduction == Reduction::Draft && scale < 1.0;
    if (drawsDirectly(image) && showsAsStored(image, settings) && !draftBelowOne) {
        result.image = wrapImage(image);
        result.source = clipped;
        result.target = clipped;
        result.direct = true;
        return result;
    }

    Key key;
    key.image = ImageKey(image);
    key.step = stepForScale(scale);
    // Align the converted region to the step grid so panning by less than a
    // block keeps the same samples (no shimmer) and the same cache.
    const int s = key.step;
    key.x0 = static_cast<int>(std::floor(clipped.left())) / s * s;
    key.y0 = static_cast<int>(std::floor(clipped.top())) / s * s;
    key.x1 = std::min(image.width(), (static_cast<int>(std::ceil(clipped.right())) + s - 1) / s * s);
    key.y1 = std::min(image.height(), (static_cast<int>(std::ceil(clipped.bottom())) + s - 1) / s * s);
    key.plan = makePlan(image, settings); // the alpha channel (by name) is in plan.map

    if (!(m_valid && key == m_key)) {
        const TrackedEpoch tracked = trackedEpoch(image); // before the pixels are read
        if (m_valid && tracked.tracker && tracked.id == m_trackerId && key.sameButRevision(m_key)) {
            m_key = key;
            convertChanged(image, tracked.tracker->changedSince(m_epoch));
        } else {
            convert(image, key);
            m_key = key;
            m_valid = true;
            ++m_conversions;
        }
        m_trackerId = tracked.id;
        m_epoch = tracked.epoch;
    }
    result.image = m_cache;
    result.source = QRectF(0, 0, m_cache.width(), m_cache.height());
    result.target = QRectF(m_key.x0, m_key.y0, m_key.x1 - m_key.x0, m_key.y1 - m_key.y0);
    return result;
}

DisplayFrame DisplayPipeline::boxFrame(const Image &image, const QRectF &clipped, double scale,
                                       const DisplaySettings &settings)
{
    std::vector<std::pair<int, int>> rewritten;
    const Image &level = m_box.update(
        image, scale, clipped,
        [this](int rows, std::int64_t components, const std::function<void(int, int)> &work) {
            // A few rows (an edit's) cost less on this thread than waking a
            // helper on a busy core, as the other one is right after a
            // console statement (its unit of work being copied out): there a
            // helper waited 2-3 ms for its turn, where the 4K update of a
            // 256x256 edit took 1.5-2.5 ms alone.
            if (components < InlineReductionComponents)
                work(0, rows);
            else
                runBands(rows, work);
        },
        rewritten, boxAlpha(image, settings));
    const QRect cells = m_box.cells();
    DisplayFrame result;
    result.target = QRectF(cells.x() / scale, cells.y() / scale, cells.width() / scale, cells.height() / scale);
    result.exact = true;
    if (drawsDirectly(level) && showsAsStored(level, settings)) {
        result.image = wrapImage(level); // the level's own memory: nothing to convert
        result.source = QRectF(0, 0, level.width(), level.height());
        return result;
    }
    // The level is a small image of the source's type: convert it like any
    // other, at step 1, and only the rows the reduction rewrote when the
    // cache already holds this level's earlier revision.
    Key key;
    key.image = ImageKey(level);
    key.x1 = level.width();
    key.y1 = level.height();
    key.plan = makePlan(level, settings);
    if (!(m_valid && key == m_key)) {
        if (m_valid && m_trackerId == 0 && key.sameButRevision(m_key)) {
            convert(level, key, &rewritten);
            for (const auto &[first, last] : rewritten)
                m_rowsUpdated += last - first;
        } else {
            convert(level, key);
            ++m_conversions;
        }
        m_key = key;
        m_valid = true;
        m_trackerId = 0; // the level's own changes come from m_box, not a tracker
        m_epoch = 0;
    }
    result.image = m_cache;
    result.source = QRectF(0, 0, m_cache.width(), m_cache.height());
    return result;
}

void DisplayPipeline::convertChanged(const Image &image, const std::vector<WriteStep::Run> &runs)
{
    if (runs.empty())
        return;
    // The source rows touched, then the output rows that sample them.
    const Key &key = m_key;
    const int half = key.step / 2;
    const int outHeight = m_cache.height();
    std::vector<bool> dirty(std::size_t(outHeight), false);
    for (const auto &[first, last] : rowsTouched(image, runs)) {
        // Output row j samples source row min(y0 + j * step + half, height - 1).
        for (int j = 0; j < outHeight; ++j) {
            const int sy = std::min(key.y0 + j * key.step + half, image.height() - 1);
            if (sy >= first && sy < last)
                dirty[std::size_t(j)] = true;
        }
    }
    std::vector<std::pair<int, int>> spans;
    for (int j = 0; j < outHeight;) {
        if (!dirty[std::size_t(j)]) {
            ++j;
            continue;
        }
        int end = j + 1;
        while (end < outHeight && dirty[std::size_t(end)])
            ++end;
        spans.push_back({j, end});
        m_rowsUpdated += end - j;
        j = end;
    }
    if (!spans.empty())
        convert(image, key, &spans);
}

void DisplayPipeline::convert(const Image &image, const Key &key, const std::vector<std::pair<int, int>> *spans)
{
    const Plan &plan = key.plan;
    // One table per distinct channel setting (linked levels share one).
    const std::uint8_t *tables[3];
    for (int i = 0; i < 3; ++i) {
        int same = 0;
        while (same < i && !(plan.params[same] == plan.params[i]))
            ++same;
        if (same == i)
            m_colourLuts[i].build(image.dtype(), plan.params[i]);
        tables[i] = m_colourLuts[same].table();
    }
    m_alphaLut.build(image.dtype(), 0.0, 1.0);
    if (plan.colormap)
        for (int i = 0; i < 256; ++i)
            m_palette[i] = qRgb(plan.colormap->rgb[i][0], plan.colormap->rgb[i][1], plan.colormap->rgb[i][2]);

    const int outWidth = (key.x1 - key.x0 + key.step - 1) / key.step;
    const int outHeight = (key.y1 - key.y0 + key.step - 1) / key.step;
    const ChannelMap &map = plan.map;
    // The formats QPainter blends and scales fastest (no per-pixel format
    // conversion while drawing): premultiplied ARGB, or RGB32 when opaque.
    const QImage::Format format = map.a >= 0 ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32;
    // A partial update writes into the last frame's image: bits() below
    // detaches it first if a caller still holds that frame.
    if (spans)
        Q_ASSERT(m_cache.width() == outWidth && m_cache.height() == outHeight && m_cache.format() == format);
    else if (m_cache.width() != outWidth || m_cache.height() != outHeight || m_cache.format() != format)
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
    job.lutR = tables[0];
    job.lutG = tables[1];
    job.lutB = tables[2];
    job.alpha = m_alphaLut.table();
    job.palette = plan.colormap ? m_palette.data() : nullptr;
    job.params = plan.params;
    job.ocio = plan.ocio.get();
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
    case DType::UInt8: rows = job.ocio ? convertRowsOcio<std::uint8_t> : convertRows<std::uint8_t>; break;
    case DType::UInt16: rows = job.ocio ? convertRowsOcio<std::uint16_t> : convertRows<std::uint16_t>; break;
    case DType::Float16: rows = job.ocio ? convertRowsOcio<float16> : convertRows<float16>; break;
    case DType::Float32: rows = job.ocio ? convertRowsOcio<float> : convertRows<float>; break;
    }
    const std::vector<std::pair<int, int>> whole{{0, outHeight}};
    for (const auto &[first, last] : spans ? *spans : whole) {
        if (static_cast<qint64>(outWidth) * (last - first) < 65536)
            rows(job, first, last);
        else
            runBands(last - first, [&job, rows, first = first](int begin, int end) { rows(job, first + begin, first + end); });
    }
}

void DisplayPipeline::runBands(int rows, const std::function<void(int, int)> &work)
{
    // Bands of rows, a few per thread so an unlucky band does not hold up
    // the rest. This thread works too, taking bands from the same counter,
    // and waits only for bands a helper took: a helper that wakes after this
    // thread took the last band finds nothing to do, and nobody waits for
    // it (on two busy cores a helper can take a few ms to be scheduled).
    const int threads = m_helpers + 1;
    const int bands = std::min(rows, threads * 4);
    if (bands <= 1) {
        work(0, rows);
        return;
    }
    // Shared with helpers that may start after this call returned; `work`
    // is only touched for a band taken, which this call waits for.
    struct Bands {
        std::atomic<int> next{0};
        std::atomic<int> finished{0};
        QSemaphore allFinished;
    };
    auto state = std::make_shared<Bands>();
    auto take = [state, &work, bands, rows] {
        for (int b = state->next.fetch_add(1); b < bands; b = state->next.fetch_add(1)) {
            work(rows * b / bands, rows * (b + 1) / bands);
            if (state->finished.fetch_add(1) + 1 == bands)
                state->allFinished.release();
        }
    };
    for (int i = 0; i < m_helpers; ++i)
        m_pool.start(take);
    take();
    state->allFinished.acquire();
}

} // namespace livepix::gui
