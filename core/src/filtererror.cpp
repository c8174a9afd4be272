#include "livepix/filtererror.h"

namespace livepix {

FilterError::FilterError(const std::string &message) : std::runtime_error(message) {}
FilterError::~FilterError() = default;

FilterCancelled::FilterCancelled(const std::string &filterName) : FilterError(filterName + ": cancelled") {}
FilterCancelled::~FilterCancelled() = default;

} // namespace livepix
