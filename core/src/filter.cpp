#include "livepix/filter.h"

#include <algorithm>

namespace livepix {

Filter::~Filter() = default;

bool Filter::supports(DType type) const
{
    const auto types = dtypes();
    return std::find(types.begin(), types.end(), type) != types.end();
}

} // namespace livepix
