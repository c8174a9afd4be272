#include "livepix/contenthash.h"

// XXH3 inlined from the header: the SSE2 build here, the AVX2 one in
// byteshash_avx2.cpp. Not libxxhash's own run-time dispatch
// (XXH3_64bits_dispatch): on this machine it picks AVX-512, and the viewer's
// isolated frames, which hash the rows an edit's chunks cover, then took
// 2.0-2.7 ms at 4K RGBA8 against 1.1-1.2 with AVX2 and 1.3-1.8 with SSE2
// (2026-12-05, alternated latency_bench runs; see bench/latency/README.md).
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace livepix {

#if defined(LIVEPIX_BYTESHASH_AVX2)
namespace detail {
std::uint64_t bytesHashAvx2(const void *data, std::size_t size);
}

namespace {
// A static initialiser is a constructor: the CPU model must be read first
// (GCC's documentation of __builtin_cpu_init).
const bool hasAvx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}();
} // namespace
#endif

std::uint64_t bytesHash(const void *data, std::size_t size)
{
#if defined(LIVEPIX_BYTESHASH_AVX2)
    if (hasAvx2)
        return detail::bytesHashAvx2(data, size);
#endif
    return XXH3_64bits(data, size);
}

} // namespace livepix
