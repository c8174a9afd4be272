#pragma once
// ImageError: the one exception type for failed loads and saves.
#include <stdexcept>
#include <string>

#include "livepix/export.h"

namespace livepix {

/// Thrown when a file cannot be opened or saved. what() is a complete message
/// for a user: "<path>: <reason>". The Python binding maps it to
/// livepix.ImageError (a subclass of OSError).
///
/// Reasons are short, lower-case phrases meant for a user: "no such file",
/// "the file is empty", "the file is truncated (<decoder detail>)", "the file
/// is damaged (...)", "not an image livepix can read (...)", "cannot write to
/// the folder <folder>: Permission denied"... They never repeat the path.
///
/// Threading: an immutable value; copy it and read it from any thread.
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
