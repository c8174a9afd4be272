#pragma once
// DisplaySettings: how one document is shown (never what its pixels are).
#include <QPointer>
#include <QString>

#include <vector>

#include <livepix/autolevels.h>

namespace livepix::gui {

class Document;

/// How stored values become display bytes. Without a colormap:
///   byte = round(255 * clamp((v - lo) / (hi - lo), 0, 1) ^ (1 / gamma))
/// with v the stored value (raw uint16 counts, raw floats) and lo/hi the
/// channel's levels. With a colormap (one shown channel) that byte indexes
/// the colormap. Scene-linear documents (EXR, HDR, a linear oiio:ColorSpace)
/// first apply v * 2^exposure + offset and then the view transform
/// (sRGB by default, or an OpenColorIO display/view) instead of gamma.
/// NaN and +-Inf are drawn in fixed colours (see the display pipeline).
enum class ViewTransform { None, SRGB, Ocio };

enum class CompareMode { None, Split, Blink, Difference, Absolute, Squared, Relative };

/// Per-document display state; a plain value. Viewer-wide values are only the
/// defaults for new documents. Threading: a value type; the GUI thread owns
/// the Document's copy.
struct DisplaySettings {
    std::vector<LevelRange> levels; // one per image channel; empty: not yet fitted
    bool levelsLinked = true;       // one range across the colour channels
    bool autoWhileEditing = false;  // re-fit levels live as pixels change
    double exposure = 0.0;          // stops; scene-linear documents
    double offset = 0.0;            // added after exposure; scene-linear documents
    double gamma = 1.0;
    bool sceneLinear = false;
    ViewTransform viewTransform = ViewTransform::None;
    QString ocioDisplay;            // with ViewTransform::Ocio
    QString ocioView;
    QString inputColorspace;        // empty: from the file's metadata
    QString colormap;               // empty: none; applies when one channel is shown
    int channel = -1;               // -1: all colour channels; else the one shown channel
    std::vector<int> channelGroup;  // > 4 channels: the shown group (e.g. R,G,B of X,Y,Z,R,G,B)

    // Compare (the reference is another open document; null ends comparing).
    QPointer<Document> compareReference;
    CompareMode compareMode = CompareMode::None;
    double splitPosition = 0.5;     // wipe divider, fraction of the view width
    bool blinkShowsReference = false;
};

} // namespace livepix::gui
