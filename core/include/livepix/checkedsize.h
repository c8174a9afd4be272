#pragma once
// Overflow-checked arithmetic for byte counts, strides and offsets.
#include <cstddef>
#include <string_view>

#include "livepix/export.h"

namespace livepix {

/// Every size livepix computes from numbers a caller, a file header or an
/// array supplies (width x height x channels x bytes, padded rows, strides,
/// view offsets, band arithmetic in the loaders) goes through these, so a
/// huge value fails with an error instead of wrapping around to a small one.
///
/// On overflow they throw std::invalid_argument whose message is
/// "<what>: <a> * <b> overflows" (or "+"), naming both values; `what` says
/// which quantity was being computed ("byte count of a 536870912x536870912
/// float32 image with 16 channels"). Callers that report to a user about a
/// file turn it into an ImageError.
///
/// The signed forms are for strides and offsets (which may be negative); the
/// unsigned ones for byte counts. The two sets take std::size_t and
/// std::ptrdiff_t exactly, so passing an int is ambiguous on purpose: say
/// which one you mean with a cast.
///
/// Threading: pure functions; call them from any thread.
LIVEPIX_API std::size_t checkedMul(std::size_t a, std::size_t b, std::string_view what);
LIVEPIX_API std::size_t checkedAdd(std::size_t a, std::size_t b, std::string_view what);
LIVEPIX_API std::ptrdiff_t checkedMul(std::ptrdiff_t a, std::ptrdiff_t b, std::string_view what);
LIVEPIX_API std::ptrdiff_t checkedAdd(std::ptrdiff_t a, std::ptrdiff_t b, std::string_view what);

/// `value` as a std::ptrdiff_t (an offset or a byte count that pointer
/// arithmetic will use); throws std::invalid_argument naming it when it is
/// larger than PTRDIFF_MAX.
LIVEPIX_API std::ptrdiff_t checkedSigned(std::size_t value, std::string_view what);

} // namespace livepix
