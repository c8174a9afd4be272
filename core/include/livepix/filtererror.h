#pragma once
// FilterError and FilterCancelled: how a filter run reports failure.
#include <stdexcept>
#include <string>

#include "livepix/export.h"

namespace livepix {

/// A filter run failed for a reason a user can read: an unsupported dtype, a
/// parameter out of range, a read-only image. what() is the full message.
/// (Exceptions a filter throws itself are passed on unchanged.)
class LIVEPIX_API FilterError : public std::runtime_error {
public:
    explicit FilterError(const std::string &message);
    ~FilterError() override;
};

/// The run was cancelled (FilterContext::cancel()). runFilter() has restored
/// the pixels before this is thrown.
class LIVEPIX_API FilterCancelled : public FilterError {
public:
    explicit FilterCancelled(const std::string &filterName);
    ~FilterCancelled() override;
};

} // namespace livepix
