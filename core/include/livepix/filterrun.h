#pragma once
// runFilter: the one way to run a Filter (app, Python and tests all use it).
#include "livepix/filter.h"

namespace livepix {

/// Runs `filter` on `image` in place with all-or-nothing semantics:
/// refuses a null or read-only image and unsupported dtypes (FilterError),
/// resolves the parameters (defaults, range checks: std::invalid_argument),
/// calls Filter::apply(), and if apply() throws or the context was cancelled,
/// copies `before` back into `image` so the pixels are exactly as they were,
/// then rethrows (FilterCancelled for a cancel). Marks the buffer changed.
///
/// `before` is a copy of `image` taken before the run (the app passes its
/// undo snapshot so nothing is copied twice). If it is null, runFilter takes
/// its own temporary copy. Passing `restorable = false` with no snapshot skips
/// the copy (for images too large to copy): a failing run then leaves
/// whatever the filter wrote.
///
/// Threading: call from any thread; see Filter for concurrency rules.
LIVEPIX_API void runFilter(const Filter &filter, const Image &image, const ParamValues &values,
                           FilterContext &context, const Image *before = nullptr, bool restorable = true);

} // namespace livepix
