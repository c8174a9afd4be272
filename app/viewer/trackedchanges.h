#pragma once
// trackedchanges: which rows of an Image a cache must read again, from the buffer's WriteTracker.
#include <cstdint>
#include <utility>
#include <vector>

#include <livepix/image.h>
#include <livepix/writetracker.h>

namespace livepix::gui {

/// The tracker a cache of something derived from `image`'s pixels can
/// follow, with its id and its change epoch, read before the pixels are.
/// A null tracker when the tracker does not see every write: no tracker, a
/// shared buffer (another process's writes make no fault here), or strides
/// that run backwards (not worth the row arithmetic). Such caches rebuild
/// whole when the revision changes.
struct TrackedEpoch {
    const WriteTracker *tracker = nullptr;
    std::uint64_t id = 0;
    std::uint64_t epoch = 0;
};
TrackedEpoch trackedEpoch(const Image &image);

/// The rows of `image` that `runs` (byte ranges of its buffer, ascending,
/// as WriteTracker::changedSince() gives them) touch, as spans
/// [first, last), ascending. A run covers whole chunks, which may start or
/// end inside a row: such a row counts as touched.
std::vector<std::pair<int, int>> rowsTouched(const Image &image, const std::vector<WriteStep::Run> &runs);

} // namespace livepix::gui
