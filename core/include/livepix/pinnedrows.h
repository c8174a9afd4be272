#pragma once
// Reading an image's pixels as a WriteSnapshot pinned them.
#include <cstdint>

#include "livepix/export.h"
#include "livepix/image.h"

namespace livepix {

class WriteSnapshot;

/// Copies rows [y0, y0 + band.height()) of `image` (an image or view over
/// the buffer whose tracker made `snapshot`), as they were when pinned, into
/// `band`: an image of the same width, channels and dtype. Any layout of
/// `image` (padded rows, channel subsets, negative strides); `band` may be a
/// view. Throws std::invalid_argument when the shapes do not match.
/// Threading: any thread, like WriteSnapshot::read().
LIVEPIX_API void readPinnedRows(const Image &image, const WriteSnapshot &snapshot, int y0, const Image &band);

/// contentHash() of the pixels of `image` as `snapshot` pinned them, read a
/// band of a few MB at a time.
LIVEPIX_API std::uint64_t pinnedContentHash(const Image &image, const WriteSnapshot &snapshot);

} // namespace livepix
