#pragma once
// Loading and saving images through OpenImageIO.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "livepix/image.h"

namespace livepix {

/// Called during a load with progress in [0, 1]. Return false to cancel (the
/// load then throws ImageError with reason "cancelled").
using ProgressCallback = std::function<bool(float progress)>;

/// Facts about a file that are not pixels.
struct ImageFileInfo {
    int subimages = 1;       ///< pages of a multipage TIFF, parts of an EXR...
    std::string formatName;  ///< OpenImageIO's format name ("png", "openexr"...)
};

/// Reads the first subimage of `path` straight into a new image buffer (no
/// intermediate copy: OpenImageIO decodes into the padded rows). Alpha stays
/// straight (unassociated). Types livepix does not keep are converted: 8-bit
/// signed -> float16; 16/32-bit signed, 32-bit unsigned, float64 -> float32;
/// Image::sourceType() then names the file's type. For EXR data windows the
/// image holds the data window; metadata keeps "livepix:origin" and
/// "livepix:display_window".
///
/// Throws ImageError naming the file and the reason (missing, not an image,
/// truncated or corrupt data, unsupported layout). Never returns a partly
/// read image. Thread-safe: may be called from any thread.
LIVEPIX_API Image loadImage(const std::string &path, const ProgressCallback &progress = {},
                            ImageFileInfo *info = nullptr);

/// Options for saveImage. Keys follow OpenImageIO attribute names where they
/// exist: "quality" (JPEG/WebP, 1-100), "compression" ("zip", "piz", "lzw",
/// "none"...). Unknown keys are passed to the writer as string attributes.
using SaveOptions = std::map<std::string, std::string>;

/// Writes `image` to `path`, choosing the format from the extension. Atomic:
/// writes a temporary file beside the target and renames it over the target
/// only when everything succeeded; on failure the original file is untouched
/// and ImageError says why. Formats without alpha (JPEG) get the colour
/// channels only. Thread-safe.
LIVEPIX_API void saveImage(const Image &image, const std::string &path, const SaveOptions &options = {});

/// Lower-case extensions (without dot) the installed OpenImageIO can read.
LIVEPIX_API std::vector<std::string> readableExtensions();
/// Lower-case extensions the installed OpenImageIO can write.
LIVEPIX_API std::vector<std::string> writableExtensions();

} // namespace livepix
