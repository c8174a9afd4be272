#pragma once
// DisplayPipeline: from an Image and its DisplaySettings to something QPainter draws fast.
#include <QImage>
#include <QRectF>
#include <QString>
#include <QThreadPool>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <livepix/image.h>
#include <livepix/writetracker.h>

#include "viewer/boxreduction.h"
#include "viewer/displayframe.h"
#include "viewer/displaylut.h"
#include "viewer/displaysettings.h"
#include "viewer/imagekey.h"

namespace livepix {
struct Colormap;
}

namespace livepix::gui {

class OcioProcessor;

/// Decides how an image is drawn and keeps the display cache.
///
/// frame(image, visible, scale, settings) is the one entry point: the canvas
/// calls it for the current document, and compare modes call it for the
/// reference or for a difference image with the same settings (same levels,
/// colormap, channel), so every mode shows values the same way.
///
/// What settings do (DisplaySettings; DisplayLut has the exact formula):
/// - levels (per image channel, stored units), exposure, offset, gamma and
///   the view transform (none, sRGB, or an OpenColorIO display/view) map
///   each shown component to a byte;
/// - `channel` >= 0 shows that one channel as grey (alpha too); a
///   `channelGroup` of 1, 3 or 4 indices shows those channels as grey, RGB
///   or RGBA; otherwise the colour channels (1: grey, 2: grey + alpha,
///   3+: the first three, plus alpha when named or fourth);
/// - with one shown channel, `colormap` (a livepix::findColormap name)
///   colours the byte; with several it is ignored;
/// - NaN and +-Inf in a shown colour channel draw the whole pixel, opaque,
///   in nanColour(), posInfColour() or negInfColour() (NaN first).
///
/// How:
/// - Integer images Qt can wrap (see wrapImage) shown as stored (full-range
///   levels, exposure 0, offset 0, gamma 1, no view transform, no colormap,
///   all channels) are drawn directly from their own memory: no copy, no
///   cache, always current (at any scale with Reduction::Sample; below 1:1
///   Box draws the reduced level and Draft samples into the cache).
/// - Everything else is converted to 8-bit (premultiplied) ARGB32 through
///   DisplayLut tables (one per distinct channel setting) and, with a
///   colormap, a 256-entry palette; with OpenColorIO through float RGB and
///   the OCIO CPU processor. Only the visible part is converted, and only at
///   about display resolution: when zoomed out the source is sampled every
///   `step` pixels, step being the largest power of two not above 1/scale
///   (a mip level picked per frame), and QPainter scales the remaining
///   factor (< 2) smoothly.
/// - Reduction::Box (the canvas's smooth frames when zoomed out): the
///   visible part is first reduced to exactly display resolution by area
///   averaging (BoxReduction, kept up to date where pixels change), then
///   shown as above with no further scaling (DisplayFrame::exact). Every
///   source pixel counts, so fine detail neither aliases nor flickers as
///   the zoom changes; RGBA8 shown as stored is drawn straight from the
///   reduced level, anything else converts the level's few pixels. With
///   the alpha shown (the last channel), colours are averaged weighted by
///   alpha (boxAlpha()), so transparent pixels do not darken the edges of
///   what is opaque.
///
/// The conversion is cached under (buffer (weak), layout, revision, visible
/// rectangle, step, and everything the settings decide) and reused while
/// none of them changes; Image::markChanged() (Viewer::pixelsMayHaveChanged)
/// invalidates it. When only the revision changed and the buffer's writes
/// are all seen by its WriteTracker (a private buffer: no other process
/// maps it), only the output rows sampled from the chunks the tracker names
/// (WriteTracker::changedSince) are converted again: an edit costs rows in
/// proportion to what it touched, not the whole view.
///
/// Threading: GUI thread (one pipeline per canvas or per compared image).
/// The conversion itself fans out over row bands on a private thread pool
/// and joins before frame() returns. Pixel bytes may be written by other
/// threads meanwhile; a frame may then show a half-finished edit, the next
/// frame shows more.
class DisplayPipeline {
public:
    DisplayPipeline();
    ~DisplayPipeline();

    /// A box reduction reading fewer source components than this (pixels x
    /// channels; about 2 ms of one core here) runs on the GUI thread alone.
    static constexpr std::int64_t InlineReductionComponents = 8 * 1024 * 1024;

    static QRgb nanColour() { return qRgb(255, 0, 255); }    // magenta
    static QRgb posInfColour() { return qRgb(255, 160, 160); } // light red
    static QRgb negInfColour() { return qRgb(64, 96, 255); }  // blue

    /// True if `image` can be drawn straight from its memory (when shown as
    /// stored; see the class comment).
    static bool drawsDirectly(const Image &image);
    /// True if `settings` show `image` as stored, so drawsDirectly applies.
    static bool showsAsStored(const Image &image, const DisplaySettings &settings);
    /// The mip step used at `scale` display pixels per image pixel.
    static int stepForScale(double scale);
    /// The levels used for image channel `channel` (fullRange of the dtype
    /// when settings has none for it).
    static LevelRange levelsFor(const DisplaySettings &settings, int channel, DType type);

    /// How a zoomed-out frame reads the image: every `step`-th pixel
    /// (Sample), or every pixel, area averaged (Box: smooth frames). Draft
    /// samples like Sample, but into the display cache even where the image
    /// could be drawn straight from its memory: the cache follows a tracked
    /// buffer row by row, so each frame of a stream of edits costs the rows
    /// it changed, where QPainter sampling a huge image costs more the larger
    /// the image is.
    enum class Reduction { Sample, Box, Draft };

    /// What to draw for the part `visible` (image pixel coordinates; clipped
    /// to the image) at `scale`, shown with `settings`. `reduction` matters
    /// only below scale 1 (Box also only for 1 to 4 channels).
    DisplayFrame frame(const Image &image, const QRectF &visible, double scale, const DisplaySettings &settings,
                       Reduction reduction = Reduction::Sample);
    /// Levels at the dtype's full range with exposure and gamma (the
    /// pre-levels behaviour, kept for callers with no document).
    DisplayFrame frame(const Image &image, const QRectF &visible, double scale, double exposure, double gamma);

    /// Why the last frame fell back from OpenColorIO to the built-in sRGB
    /// transform (empty when it did not).
    QString colourError() const { return m_colourError; }
    /// How many times the cache was (re)built whole; tests read it.
    int conversions() const { return m_conversions; }
    /// Output rows converted again by partial updates so far (see the class
    /// comment); tests read it.
    qint64 rowsUpdated() const { return m_rowsUpdated; }
    /// The level behind Reduction::Box frames.
    const BoxReduction &boxReduction() const { return m_box; }
    /// Takes `level` (made off the GUI thread, BoxReductionJob) as the level
    /// behind Reduction::Box frames; the next frame brings it up to date.
    void adoptBoxReduction(BoxReduction level) { m_box = std::move(level); }
    /// Drops the cached conversion. (The cache never keeps a pixel buffer
    /// alive: it remembers the buffer through a weak_ptr, which also tells
    /// a new buffer at a recycled address apart from the old one.)
    void clear();

    /// Which source channel feeds R, G, B and A of the display (-1: none),
    /// and whether the picture is one channel shown as grey.
    struct ChannelMap {
        int r = 0, g = 0, b = 0, a = -1;
        bool grey() const { return r == g && g == b; }
        bool operator==(const ChannelMap &o) const { return r == o.r && g == o.g && b == o.b && a == o.a; }
    };
    static ChannelMap channelMap(const Image &image, const DisplaySettings &settings);
    /// The alpha channel a Reduction::Box level of `image` is weighted by
    /// (BoxReduction::update()): the shown alpha when it is the last
    /// channel, else -1.
    static int boxAlpha(const Image &image, const DisplaySettings &settings);

private:
    /// Everything the settings decide about a conversion.
    struct Plan {
        ChannelMap map;
        std::array<LutParams, 3> params; // for map.r, map.g, map.b
        const Colormap *colormap = nullptr;
        std::shared_ptr<const OcioProcessor> ocio;
        std::string ocioId;
        bool operator==(const Plan &o) const;
    };
    struct Key {
        ImageKey image; // buffer identity, layout and revision
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0, step = 1;
        Plan plan;
        bool operator==(const Key &o) const;
        /// Equal but for the image's revision.
        bool sameButRevision(const Key &o) const;
    };
    /// Converts the output rows of the cache (made for m_key) whose samples
    /// lie in `runs` (byte ranges of the buffer).
    void convertChanged(const Image &image, const std::vector<WriteStep::Run> &runs);
    /// A Reduction::Box frame of `clipped` (scale < 1).
    DisplayFrame boxFrame(const Image &image, const QRectF &clipped, double scale, const DisplaySettings &settings);

    Plan makePlan(const Image &image, const DisplaySettings &settings);
    std::shared_ptr<const OcioProcessor> ocioProcessor(const Image &image, const DisplaySettings &settings);
    /// Converts the cache for `key`: whole, or only the output row spans
    /// [first, last) of `spans` (the cache already has the key's size).
    void convert(const Image &image, const Key &key, const std::vector<std::pair<int, int>> *spans = nullptr);
    void runBands(int rows, const std::function<void(int, int)> &work);

    Key m_key;
    bool m_valid = false;
    QImage m_cache;
    std::array<DisplayLut, 3> m_colourLuts;
    DisplayLut m_alphaLut;
    std::array<QRgb, 256> m_palette{};
    QString m_colourError;
    QString m_ocioRequest; // config, input, display, view of m_ocioProcessor
    QString m_ocioError;
    std::shared_ptr<const OcioProcessor> m_ocioProcessor;
    BoxReduction m_box;
    QThreadPool m_pool;
    int m_helpers = 0; // pool threads joining the GUI thread in a conversion
    int m_conversions = 0;
    qint64 m_rowsUpdated = 0;
    std::uint64_t m_trackerId = 0; // 0: the cache follows no tracker
    std::uint64_t m_epoch = 0;
};

} // namespace livepix::gui
