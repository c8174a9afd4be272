#pragma once
// contentHash(): a fingerprint of an image's pixel values.
#include <cstdint>

#include "livepix/image.h"

namespace livepix {

/// 64-bit fingerprint of the pixel values of `image` (row padding and bytes
/// outside the view are ignored, so a view and a copy of it hash alike).
/// Not cryptographic: it tells "these pixels changed" (e.g. writes through
/// NumPy, which C++ cannot see) from "still as saved". Reads every pixel once,
/// about as fast as memory bandwidth allows (a 4K RGBA8 image in a few ms).
///
/// Threading: may run on any thread; if another thread writes the pixels
/// meanwhile, the result describes some mix of old and new values, and a
/// later call sees the final ones.
LIVEPIX_API std::uint64_t contentHash(const Image &image);

} // namespace livepix
