#pragma once
// mapAligned: an anonymous private mapping placed at a chosen remainder of a
// power-of-two alignment (internal to livepix_core).
#include <cstddef>

namespace livepix::detail {

/// 2 MiB: the x86-64 transparent huge page, and the write tracker's chunk.
constexpr std::size_t HugePageBytes = std::size_t(2) << 20;

/// mmap(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extraFlags) of
/// `bytes` (whole pages) whose start address % `alignment` == `remainder`
/// (alignment 0: wherever mmap puts it). mmap aligns to pages only, so this
/// reserves `alignment` more and unmaps both ends. Returns nullptr when the
/// address space cannot be had (or bytes + alignment overflows).
/// Threading: any thread.
void *mapAligned(std::size_t bytes, int extraFlags, std::size_t alignment = 0, std::size_t remainder = 0);

} // namespace livepix::detail
