#pragma once
// Filter: the interface every image filter implements (C++ plugins, Python
// filters through the bindings, built-in filters).
#include <string>
#include <vector>

#include "livepix/dtype.h"
#include "livepix/filtercontext.h"
#include "livepix/filterparam.h"
#include "livepix/image.h"
#include "livepix/paramvalues.h"

namespace livepix {

/// An operation that edits an image in place.
///
/// apply() receives a writable strided view of the caller's pixels (the very
/// memory the viewer shows; never a copy) whose dtype is one of dtypes(), and
/// the values of every parameter in params() (already defaulted and
/// range-checked by runFilter()). It writes the result into the same view.
/// It may throw any exception; runFilter() then restores the pixels.
///
/// Threading: one Filter object is shared by every run and may be applied
/// from several threads at once (GUI worker, Python, tests), so apply() must
/// not change member state; keep per-run state in locals.
class LIVEPIX_API Filter {
public:
    virtual ~Filter();

    /// Name shown in the Filters menu and used by scripts; unique in a registry.
    virtual std::string name() const = 0;
    /// One sentence for tooltips and --list-plugins.
    virtual std::string description() const { return {}; }
    /// Declared parameters, in dialog order.
    virtual std::vector<FilterParam> params() const { return {}; }
    /// Component types apply() accepts. Runs on other types are refused
    /// before apply() is called.
    virtual std::vector<DType> dtypes() const = 0;

    virtual void apply(const Image &image, const ParamValues &values, FilterContext &context) const = 0;

    bool supports(DType type) const;
};

} // namespace livepix
