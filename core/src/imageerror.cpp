#include "livepix/imageerror.h"

namespace livepix {

ImageError::ImageError(std::string path, std::string reason)
    : std::runtime_error(path + ": " + reason), m_path(std::move(path)), m_reason(std::move(reason))
{
}

} // namespace livepix
