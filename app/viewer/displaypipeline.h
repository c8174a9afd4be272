#pragma once
// DisplayPipeline: from an Image to something QPainter draws fast.
#include <QImage>
#include <QRectF>
#include <QThreadPool>

#include <cstdint>
#include <memory>

#include <livepix/image.h>

#include "viewer/displayframe.h"
#include "viewer/displaylut.h"

namespace livepix::gui {

/// Decides how an image is drawn and keeps the display cache.
///
/// - Integer images Qt can wrap (see wrapImage) are drawn directly from
///   their own memory at neutral exposure and gamma: no copy, no cache,
///   always current.
/// - Everything else (float images; integer images while exposure or gamma
///   is set; 2 channels; RGB uint16; more than 4 channels, of which the
///   first 3 or 4 are shown) is converted to 8-bit (premultiplied) ARGB32
///   through DisplayLut. Only the visible part is converted, and only at
///   about display resolution: when zoomed out the source is sampled every
///   `step` pixels, step being the largest power of two not above 1/scale
///   (a mip level picked per frame), and QPainter scales the remaining
///   factor (< 2) smoothly.
///
/// The conversion is cached under (buffer, layout, alpha channel, revision, visible
/// rectangle, step, exposure, gamma) and reused while none of them changes;
/// Image::markChanged() (Viewer::pixelsMayHaveChanged) invalidates it.
///
/// Threading: GUI thread (one pipeline per canvas). The conversion itself
/// fans out over row bands on a private thread pool and joins before
/// frame() returns. Pixel bytes may be written by other threads meanwhile;
/// a frame may then show a half-finished edit, the next frame shows more.
class DisplayPipeline {
public:
    DisplayPipeline();

    /// True if `image` is drawn straight from its memory (at exposure 0 and
    /// gamma 1).
    static bool drawsDirectly(const Image &image);
    /// The mip step used at `scale` display pixels per image pixel.
    static int stepForScale(double scale);

    /// What to draw for the part `visible` (image pixel coordinates; clipped
    /// to the image) at `scale`.
    DisplayFrame frame(const Image &image, const QRectF &visible, double scale, double exposure, double gamma);

    /// How many times the cache was (re)built; tests read it.
    int conversions() const { return m_conversions; }
    /// Drops the cached conversion. (The cache never keeps a pixel buffer
    /// alive: it remembers the buffer through a weak_ptr, which also tells
    /// a new buffer at a recycled address apart from the old one.)
    void clear();

private:
    struct Key {
        std::weak_ptr<PixelBuffer> buffer;
        std::size_t offset = 0;
        int width = 0, height = 0, channels = 0;
        DType dtype = DType::UInt8;
        std::ptrdiff_t xStride = 0, yStride = 0;
        int alpha = -1;
        std::uint64_t revision = 0;
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0, step = 1;
        double exposure = 0.0, gamma = 1.0;
        bool operator==(const Key &o) const;
    };

    void convert(const Image &image, const Key &key);

    Key m_key;
    bool m_valid = false;
    QImage m_cache;
    DisplayLut m_colourLut;
    DisplayLut m_alphaLut;
    QThreadPool m_pool;
    int m_helpers = 0; // pool threads joining the GUI thread in a conversion
    int m_conversions = 0;
};

} // namespace livepix::gui
