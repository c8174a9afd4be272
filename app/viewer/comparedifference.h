#pragma once
// Difference images for display: sampled to the view, cached by both images' revisions.
#include <QRect>

#include <cstddef>

#include <livepix/comparison.h>
#include <livepix/image.h>

#include "viewer/imagekey.h"

namespace livepix::gui {

/// A view (sharing memory) of every `step`-th pixel of `region` of `image`,
/// sampling the centre of each step x step block (as the display pipeline
/// does; a block cut by the image edge samples its last pixel). Keeps the
/// channel names, so alpha stays recognisable. `region` must lie inside the image.
Image sampledRegion(const Image &image, const QRect &region, int step);

/// The rectangle (top-left aligned) both images cover.
QRect overlapRect(const Image &a, const Image &b);

/// The difference of `a` and `b` over their whole overlap: the values a
/// difference compare mode shows (livepix::differenceImage, float32, one
/// channel per compared colour channel). With pixelBudget > 0 and a larger
/// overlap, the inputs are first sampled on a regular grid of about that
/// many pixels (differencing all of a huge overlap would cost more than what
/// the caller does with it); *step, when given, receives the grid step (1:
/// every pixel). Null when the images do not overlap.
/// Threading: any thread (reads a and b only).
Image overlapDifference(const Image &a, const Image &b, DifferenceMode mode, std::size_t pixelBudget = 0,
                        int *step = nullptr);

/// The difference of two images over part of their overlap, sampled every
/// `step` pixels, for the canvas: computed with livepix::differenceImage
/// (float32, one channel per compared colour channel) at about display
/// resolution, so a frame costs what a frame of a single float image costs.
///
/// Cached under both images' ImageKey (buffer identity and revision), the
/// mode, the region and the step. A rebuild of the same size writes into the
/// previous result's buffer and bumps its revision, so a DisplayPipeline
/// keyed on that buffer converts it again.
///
/// Threading: one thread at a time (the canvas's, the GUI thread); the
/// computation itself fans out inside differenceImage.
class DifferenceCache {
public:
    struct Result {
        Image image;   // the sampled difference (null when there is no overlap)
        QRect region;  // the part of the overlap it covers, in image pixels
        int step = 1;
    };

    /// The difference of `region` (image pixels, clipped to the overlap).
    Result difference(const Image &a, const Image &b, DifferenceMode mode, const QRect &region, int step);

    /// The last result (tests read it).
    const Result &last() const { return m_result; }
    /// How many times a difference was computed (tests read it).
    int computations() const { return m_computations; }
    void clear();

private:
    ImageKey m_a, m_b;
    DifferenceMode m_mode = DifferenceMode::Signed;
    Result m_result;
    bool m_valid = false;
    int m_computations = 0;
};

} // namespace livepix::gui
