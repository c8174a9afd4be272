// XXH3 compiled for AVX2 (this file alone has -mavx2, see core/CMakeLists.txt);
// byteshash.cpp calls it only on a CPU that has AVX2. Include nothing here
// that defines non-static inline functions or templates other files use
// too: the linker could keep this file's AVX2 copy for all of them, and a
// CPU without AVX2 would then stop on it (`nm` on the object lists only
// bytesHashAvx2 and static symbols).
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstddef>
#include <cstdint>

namespace livepix::detail {

std::uint64_t bytesHashAvx2(const void *data, std::size_t size)
{
    return XXH3_64bits(data, size);
}

} // namespace livepix::detail
