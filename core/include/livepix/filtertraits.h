#pragma once
// FilterTraits: what a filter promises about how it computes, beyond its
// parameters, so callers may take shortcuts with its results.
#include <string>
#include <type_traits>
#include <vector>

#include "livepix/export.h"

namespace livepix {

class Filter;

// The inline namespace is in the mangled name of everything that takes
// FilterTraits (PluginRegistrar::addFilter): a plugin built against another
// layout then fails to load with "undefined symbol" instead of reading a
// struct of the wrong size. Bump it whenever a field is added.
inline namespace traits_v2 {

/// Declared once per filter (a C++ filter class's static members, a Python
/// filter's decorator arguments, a manifest's fields) and kept with it in
/// the FilterRegistry. Promises are the author's: livepix cannot check them,
/// and a wrong one only makes a preview show something else for a moment
/// (the whole-image run that follows, and any real run, never depend on it).
struct FilterTraits {
    /// Each output pixel depends only on the same input pixel and the
    /// parameter values: no neighbours, no statistics of the whole image,
    /// no position. Invert, a threshold, a colour map are; a blur, a median
    /// or auto levels are not. The preview then computes a few pixels to
    /// stand for many (one per screen pixel when zoomed out, see
    /// runFilterDraft) and needs no margin around the part on screen.
    bool pointwise = false;

    /// The parameters measured in image pixels (a blur's "sigma", a median's
    /// window "size"), each an int or float parameter of the filter.
    /// Declaring them promises that the filter run on an image reduced k
    /// times, with these divided by k, looks like its result reduced k
    /// times: what a blur or a median does. A slow filter's preview then
    /// shows a draft from a reduced image first (runFilterDraft), then the
    /// exact result. Empty: no such promise.
    std::vector<std::string> lengths;

    /// A draft may stand for the result: pointwise, or lengths declared.
    bool draftable() const { return pointwise || !lengths.empty(); }
    bool operator==(const FilterTraits &o) const { return pointwise == o.pointwise && lengths == o.lengths; }
    bool operator!=(const FilterTraits &o) const { return !(*this == o); }
};

} // namespace traits_v2

/// Throws std::invalid_argument naming the filter and the parameter when a
/// declared length is not one of `filter`'s int or float parameters (or is
/// named twice). Checked when a filter is registered.
LIVEPIX_API void checkTraits(const Filter &filter, const FilterTraits &traits);

namespace detail {
template <typename F, typename = void> struct DeclaresPointwise : std::false_type {};
template <typename F>
struct DeclaresPointwise<F, std::void_t<decltype(F::pointwise)>> : std::bool_constant<bool(F::pointwise)> {};

template <typename F, typename = void> struct DeclaresLengths : std::false_type {};
template <typename F> struct DeclaresLengths<F, std::void_t<decltype(F::lengths)>> : std::true_type {};
} // namespace detail

/// The traits a C++ filter class declares through static members, e.g.
///   class InvertFilter : public livepix::Filter {
///   public:
///       static constexpr bool pointwise = true;
///       ...
///   class BlurFilter : public livepix::Filter {
///   public:
///       static constexpr const char *lengths[] = {"sigma"};
///       ...
/// Read by LIVEPIX_PLUGIN, so declaring them changes no virtual function.
template <typename F> FilterTraits traitsOf()
{
    FilterTraits traits;
    traits.pointwise = detail::DeclaresPointwise<F>::value;
    if constexpr (detail::DeclaresLengths<F>::value) {
        static_assert(std::is_array_v<std::remove_reference_t<decltype(F::lengths)>>,
                      "lengths must be an array of parameter names: static constexpr const char *lengths[] = {...}");
        for (const char *name : F::lengths)
            traits.lengths.emplace_back(name);
    }
    return traits;
}

} // namespace livepix
