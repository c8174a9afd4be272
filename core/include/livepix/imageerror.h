#pragma once
// ImageError: the one exception type for failed loads and saves.
#include <stdexcept>
#include <string>

#include "livepix/export.h"

namespace livepix {

/// Thrown when a file cannot be opened or saved. what() is a complete message
/// for a user: "<path>: <reason>". The Python binding maps it to
/// livepix.ImageError (a subclass of OSError).
class LIVEPIX_API ImageError : public std::runtime_error {
public:
    ImageError(std::string path, std::string reason);
    const std::string &path() const { return m_path; }
    const std::string &reason() const { return m_reason; }

private:
    std::string m_path;
    std::string m_reason;
};

} // namespace livepix
