#pragma once
// FilterTraits: what a filter promises about how it computes, beyond its
// parameters, so callers may take shortcuts with its results.
#include <type_traits>

namespace livepix {

/// Declared once per filter (a C++ filter class's static member, a Python
/// filter's decorator argument, a manifest's field) and kept with it in the
/// FilterRegistry. Promises are the author's: livepix cannot check them, and
/// a wrong one only makes a preview show something else for a moment (the
/// whole-image run that follows, and any real run, never depend on it).
struct FilterTraits {
    /// Each output pixel depends only on the same input pixel and the
    /// parameter values: no neighbours, no statistics of the whole image,
    /// no position. Invert, a threshold, a colour map are; a blur, a median
    /// or auto levels are not. The preview then computes a few pixels to
    /// stand for many (one per screen pixel when zoomed out, see
    /// runFilterDraft) and needs no margin around the part on screen.
    bool pointwise = false;
};

namespace detail {
template <typename F, typename = void> struct DeclaresPointwise : std::false_type {};
template <typename F>
struct DeclaresPointwise<F, std::void_t<decltype(F::pointwise)>> : std::bool_constant<bool(F::pointwise)> {};
} // namespace detail

/// The traits a C++ filter class declares through static members, e.g.
///   class InvertFilter : public livepix::Filter {
///   public:
///       static constexpr bool pointwise = true;
///       ...
/// Read at compile time by LIVEPIX_PLUGIN, so declaring them changes no
/// virtual function (no plugin ABI change).
template <typename F> constexpr FilterTraits traitsOf()
{
    FilterTraits traits;
    traits.pointwise = detail::DeclaresPointwise<F>::value;
    return traits;
}

} // namespace livepix
