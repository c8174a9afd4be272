#pragma once
// DisplayFrame: what the canvas draws for one paint.
#include <QImage>
#include <QRectF>

namespace livepix::gui {

/// The result of DisplayPipeline::frame(): draw `source` (pixels of `image`)
/// onto the part of the picture given by `target` (in the document image's
/// pixel coordinates; the canvas maps it to the widget). Either `image` wraps
/// the document's memory (direct) or it is a cached 8-bit conversion of the
/// visible part at about display resolution.
struct DisplayFrame {
    QImage image;
    QRectF source;
    QRectF target;
    bool direct = false;
    /// One pixel of `image` per device pixel (a Reduction::Box level):
    /// draw it unscaled, at a whole device pixel.
    bool exact = false;
    bool isNull() const { return image.isNull(); }
};

} // namespace livepix::gui
