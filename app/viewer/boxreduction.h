#pragma once
// BoxReduction: an image reduced to screen resolution by area averaging, kept up to date where pixels change.
#include <QRect>
#include <QRectF>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <livepix/image.h>
#include <livepix/writetracker.h>

#include "viewer/blockprints.h"
#include "viewer/imagekey.h"

namespace livepix::gui {

/// The smooth frame of a zoomed-out view: `image` reduced onto a grid of
/// cells 1/scale image pixels square, each cell the area-weighted mean of
/// the image pixels it covers (a box filter; source pixels cut by a cell
/// edge count with the part inside), per channel, in the image's own dtype
/// (integers rounded to nearest). The grid is anchored at image pixel (0, 0):
/// cell (i, j) covers [i / scale, (i + 1) / scale) x [j / scale, (j + 1) / scale),
/// clipped to the image, so each cell is one display pixel and the level is
/// drawn 1:1, with no further scaling.
///
/// Only the cells that meet the visible part are kept. The level is rebuilt
/// whole when the scale, the cells, the image's layout or buffer change;
/// when only the revision changed and the buffer's WriteTracker sees all
/// its writes (a private buffer, rows running forwards), only the cell rows
/// over the chunks WriteTracker::changedSince() names are looked at again.
/// A chunk is 2 MiB of consecutive rows, so the rows of those chunks are
/// compared with their BlockPrints, and only the cells over the rows and
/// columns that differ are reduced again (rows seen for the first time since
/// a rebuild count as changed end to end). So an edit costs reading the rows
/// it touched once and reducing the area it changed, not the visible image.
///
/// The reduced Image has the source's dtype, channel count and channel
/// names, so DisplaySettings apply to it unchanged. NaN or infinity in a
/// cell makes that cell's mean NaN or infinite: a single bad value stays
/// visible at every zoom.
///
/// Threading: GUI thread (one per DisplayPipeline). `run` spreads the
/// reduction of row bands over threads and joins before update() returns.
/// Other threads may write the source meanwhile; the level then shows a
/// half-finished edit until the next update.
class BoxReduction {
public:
    /// Calls work(begin, end) over bands covering [0, rows), possibly in
    /// parallel, and returns when all are done. `components`: about how
    /// many source components (pixels x channels) the whole job reads, for
    /// a runner that does small jobs on the calling thread.
    using BandRunner =
        std::function<void(int rows, std::int64_t components, const std::function<void(int, int)> &work)>;

    /// True when update() handles `image` (1 to 4 channels; views with more
    /// are sampled instead: reducing every channel would cost them all).
    static bool supports(const Image &image);
    /// The cells that meet `visible` (image coordinates) at `scale`.
    static QRect cellsFor(const Image &image, double scale, const QRectF &visible);

    /// Brings the level up to date for the cells meeting `visible` at
    /// `scale` (< 1) and returns it. `rewritten` gets the row spans
    /// [first, last) of the returned image reduced by this call (empty when
    /// nothing changed, {0, height} after a rebuild). `alpha`: the image's
    /// alpha channel when it is shown as alpha and is the last channel (2
    /// to 4 channels), else -1. With one, each cell's colour is the mean
    /// weighted by alpha (what compositing the pixels would give: a pixel
    /// with alpha 0 adds no colour) and its alpha the plain mean.
    const Image &update(const Image &image, double scale, const QRectF &visible, const BandRunner &run,
                        std::vector<std::pair<int, int>> &rewritten, int alpha = -1);
    /// True when the level was made for these cells of `image`'s buffer and
    /// layout at `scale`, with `alpha` (any revision): update() then works
    /// from the tracker or the revision instead of reducing every visible
    /// pixel.
    bool hasGrid(const Image &image, double scale, const QRectF &visible, int alpha = -1) const
    {
        return sameGrid(ImageKey(image), cellsFor(image, scale, visible), scale, alpha);
    }
    /// The level as last updated (null before the first update()).
    const Image &level() const { return m_level; }
    /// The cells the level covers (valid after update()).
    QRect cells() const { return m_cells; }
    /// Whole rebuilds, and rows and cells reduced again by partial updates;
    /// tests read them.
    int rebuilds() const { return m_rebuilds; }
    qint64 rowsUpdated() const { return m_rowsUpdated; }
    qint64 cellsUpdated() const { return m_cellsUpdated; }
    /// Forgets the level (and releases its memory).
    void clear();

private:
    /// True when the level was made for `image`'s buffer and layout (any
    /// revision) with these cells, scale and alpha.
    bool sameGrid(const ImageKey &key, const QRect &cells, double scale, int alpha) const;
    /// Reduces the cells of `rect` (level coordinates) again.
    void reduceCells(const Image &image, const QRect &rect, const BandRunner &run);
    /// The cells over the bytes `runs` name (rectangles in level coordinates,
    /// ascending rows, not overlapping), narrowed to the blocks of those rows
    /// that differ from their prints where the image can be printed.
    std::vector<QRect> changedCells(const Image &image, const std::vector<WriteStep::Run> &runs,
                                    const BandRunner &run);
    /// m_prints.update() of source rows [first, last), in bands.
    BlockPrints::Change printRows(const Image &image, int first, int last, std::size_t rowBytes,
                                  const BandRunner &run);
    /// The cells over source rows [first, last) and bytes [firstByte, lastByte) of each.
    QRect cellsOver(const Image &image, int first, int last, std::size_t firstByte, std::size_t lastByte) const;

    ImageKey m_key;
    QRect m_cells;
    double m_scale = 0.0;
    int m_alpha = -1; // update()'s alpha
    bool m_valid = false;
    Image m_level;
    std::uint64_t m_trackerId = 0; // 0: the level follows no tracker
    std::uint64_t m_epoch = 0;
    BlockPrints m_prints; // of the source rows the level was last reduced from
    int m_rebuilds = 0;
    qint64 m_rowsUpdated = 0;
    qint64 m_cellsUpdated = 0;
};

} // namespace livepix::gui
