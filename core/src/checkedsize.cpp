#include "livepix/checkedsize.h"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace livepix {

namespace {

template <typename T> [[noreturn]] void overflow(std::string_view what, T a, const char *op, T b)
{
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(a) + op + std::to_string(b) +
                                " overflows (" + std::to_string(sizeof(T) * 8) + "-bit sizes)");
}

} // namespace

std::size_t checkedMul(std::size_t a, std::size_t b, std::string_view what)
{
    std::size_t result = 0;
    if (__builtin_mul_overflow(a, b, &result))
        overflow(what, a, " * ", b);
    return result;
}

std::size_t checkedAdd(std::size_t a, std::size_t b, std::string_view what)
{
    std::size_t result = 0;
    if (__builtin_add_overflow(a, b, &result))
        overflow(what, a, " + ", b);
    return result;
}

std::ptrdiff_t checkedMul(std::ptrdiff_t a, std::ptrdiff_t b, std::string_view what)
{
    std::ptrdiff_t result = 0;
    if (__builtin_mul_overflow(a, b, &result))
        overflow(what, a, " * ", b);
    return result;
}

std::ptrdiff_t checkedAdd(std::ptrdiff_t a, std::ptrdiff_t b, std::string_view what)
{
    std::ptrdiff_t result = 0;
    if (__builtin_add_overflow(a, b, &result))
        overflow(what, a, " + ", b);
    return result;
}

std::ptrdiff_t checkedSigned(std::size_t value, std::string_view what)
{
    std::ptrdiff_t result = 0;
    if (__builtin_add_overflow(value, std::size_t(0), &result))
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(value) +
                                    " is larger than the largest offset (" + std::to_string(PTRDIFF_MAX) + ")");
    return result;
}

} // namespace livepix
