#pragma once
// contentHash(): a fingerprint of an image's pixel values.
#include <cstddef>
#include <cstdint>
#include <memory>

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

/// A fingerprint of `size` bytes at `data` (nothing else is hashed in: no
/// size or type), for callers that fingerprint parts of rows to tell which
/// part a writer changed (the viewer's level, on every isolated edit). XXH3
/// (libxxhash), AVX2 where the CPU has it: over three times contentHash's
/// speed, near what a plain read of the bytes costs. Not the same value as
/// contentHash of the same bytes, and not meant to be kept: the value may
/// change between versions. Threading: as contentHash.
LIVEPIX_API std::uint64_t bytesHash(const void *data, std::size_t size);

/// contentHash() of an image that is seen a band of rows at a time, top to
/// bottom (e.g. while it is written out band by band): after add() of every
/// row, finish() equals contentHash() of the whole image.
///
/// Threading: a plain value; one thread at a time.
class LIVEPIX_API ContentHasher {
public:
    /// The whole image's size and type (they are part of the hash).
    ContentHasher(int width, int height, int channels, DType dtype);
    ~ContentHasher();
    ContentHasher(const ContentHasher &) = delete;
    ContentHasher &operator=(const ContentHasher &) = delete;

    /// The next rows: the image's width, channels and dtype.
    void add(const Image &rows);
    std::uint64_t finish();

private:
    class State;
    std::unique_ptr<State> m_state;
    int m_width, m_height, m_channels;
    DType m_dtype;
};

} // namespace livepix
