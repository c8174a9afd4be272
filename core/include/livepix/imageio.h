#pragma once
// Loading and saving images through OpenImageIO (in liblivepix_io, loaded
// on first use: see preloadImageIO()).
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "livepix/image.h"

namespace livepix {

class WriteSnapshot;

/// Called during a load or a save with progress in [0, 1]. Return false to
/// cancel (the load or save then throws ImageError with reason "cancelled").
using ProgressCallback = std::function<bool(float progress)>;

/// Facts about a file that are not pixels.
struct ImageFileInfo {
    int subimages = 1;       ///< pages of a multipage TIFF, parts of an EXR, frames of a GIF...
    int subimage = 0;        ///< which one was loaded: the first that has pixels (FITS often starts with an empty one)
    std::string formatName;  ///< OpenImageIO's format name ("png", "openexr"...)
};

/// Reads the first subimage of `path` (the first page of a TIFF, frame of a
/// GIF...) straight into a new image buffer: OpenImageIO decodes into the
/// padded rows of the PixelBuffer, band by band, with no intermediate image.
/// Alpha stays straight (unassociated) as stored in the file.
///
/// Types livepix does not keep are converted, and Image::sourceType() then
/// names the file's type ("int16", "float64"...). OpenImageIO does the
/// conversion and treats integers as normalised values, as it does for every
/// integer type: unsigned types map 0..max to 0..1; signed types divide by
/// their maximum, so 0 stays 0, max becomes 1.0 and min a little below -1
/// (int16 -32768 -> -1.00003). int8 -> float16 (every level stays distinct);
/// int16, int32, uint32, (u)int64 and float64 -> float32 (32-bit integers keep
/// 24 significant bits). A user who needs the raw counts multiplies back by
/// the type's maximum.
///
/// Files with more than four channels load all of them. For EXR data windows
/// the image holds the data window; metadata keeps "livepix:origin" ("x y")
/// and "livepix:display_window" ("x y width height"), which saveImage writes
/// back. Other file attributes land in Image::metadata() with their type.
///
/// Known limitation: OpenImageIO 2.4's WebP reader premultiplies colour by
/// alpha whatever the hint says, so WebP colour under partial alpha is not
/// the stored value (alpha itself and opaque pixels are exact). Its PNM reader
/// goes through float and may be one level off in 16-bit files. Its FITS
/// reader shifts the image by one row (the top row reads as zeros).
///
/// `progress` is called after each band with the fraction done.
///
/// Throws ImageError naming the file and the reason (missing, empty, a folder,
/// unreadable, not an image, truncated or corrupt data, unsupported layout,
/// larger than this computer's memory, not enough memory). Never returns a
/// partly read image.
/// Thread-safe: may be called from any thread, also for the same file.
LIVEPIX_API Image loadImage(const std::string &path, const ProgressCallback &progress = {},
                            ImageFileInfo *info = nullptr);

/// Reads an image from `size` bytes at `data` (a message, an upload, a
/// fuzzer's input) through loadImage's own decoder: the same checks,
/// conversions, metadata and errors, with OpenImageIO reading the bytes
/// through an in-memory IOProxy. The bytes are borrowed for the call only.
///
/// `nameHint` is a file name or an extension ("scan.tif", ".tif" or "tif"):
/// its reader is tried first, then every other one; ImageError names the
/// source by it ("<memory>" when empty). No file of that name is ever
/// opened: formats whose OpenImageIO reader cannot read from memory are
/// refused ("the <format> reader cannot read from memory"). Image::path()
/// is empty.
/// Thread-safe like loadImage.
LIVEPIX_API Image loadImageFromMemory(const void *data, std::size_t size, const std::string &nameHint,
                                      const ProgressCallback &progress = {}, ImageFileInfo *info = nullptr);

/// Reads only the attributes of the first image in `path` that has pixels,
/// not the pixels: the Metadata loadImage would give, at the cost of the
/// file's header (what a batch run checks to skip outputs it made before).
/// Throws ImageError like loadImage. Thread-safe like loadImage.
LIVEPIX_API Metadata readImageMetadata(const std::string &path);

/// Options for saveImage. Keys follow OpenImageIO attribute names where they
/// exist: "quality" (JPEG/WebP, 1-100), "compression" ("zip", "piz", "lzw",
/// "none"...), "tile_width" and "tile_height" (both, for a tiled TIFF or EXR;
/// formats without tiles refuse them). Unknown keys are passed to the writer
/// as string attributes.
using SaveOptions = std::map<std::string, std::string>;

/// Writes `image` to `path`, choosing the format from the extension. The
/// image's dtype is written when the format holds it, otherwise a type it
/// does hold: float images become 16-bit in PNG, 8-bit in JPEG, BMP, GIF
/// (values clamped to 0..1 and scaled); float16 becomes float32 in TIFF.
/// PNM is written for uint8 images only (OpenImageIO 2.4 corrupts 16-bit PNM). Formats without alpha (JPEG) get the colour
/// channels only; a format that cannot hold the channel count is an error.
/// Straight alpha is written as is (no premultiplication round trip).
/// Metadata is written back where the format can hold it ("compression" from
/// the loaded file is not: pass it as an option).
///
/// Atomic: writes a temporary file beside the target (".<name>.livepix-*.tmp"),
/// flushes it, and renames it over the target only when everything succeeded;
/// an existing file keeps its permissions. On failure the original file is
/// untouched, the temporary file is removed and ImageError says why (missing
/// or read-only folder, read-only file, unknown extension, a layout the format
/// cannot hold, a bad option, a failing writer, "cancelled").
///
/// `progress` is called as the writer goes (OpenImageIO reports per chunk of
/// rows, about 64 MB, so small images get only 0 and 1; some writers report
/// nothing); returning false cancels the save, leaving the original file
/// untouched.
/// Thread-safe: may be called from any thread.
LIVEPIX_API void saveImage(const Image &image, const std::string &path, const SaveOptions &options = {},
                           const ProgressCallback &progress = {});

/// Like saveImage, but writes the pixels of `image` as `snapshot` pinned
/// them (WriteTracker::pin() of the image's buffer), while writers may go on:
/// the rows are read from the snapshot a band of a few MB at a time, so the
/// save needs no copy of the image (the snapshot holds only the chunks
/// written meanwhile). `progress` is called after each band. Returns
/// contentHash() of the pixels written.
/// Thread-safe: may be called from any thread.
LIVEPIX_API std::uint64_t saveSnapshot(const Image &image, const WriteSnapshot &snapshot, const std::string &path,
                                       const SaveOptions &options = {}, const ProgressCallback &progress = {});

/// Loads the image input/output library now. Every function here loads it
/// on first use (OpenImageIO and the libraries it links take a few hundred
/// milliseconds to map); a program that knows it will open files soon calls
/// this on a background thread while it does other work (the app does, from
/// the start of main(), while Qt starts and its window appears). It maps the
/// libraries one at a time, so that other threads' library loads (the
/// dynamic loader has one lock) wait for one library at most instead of the
/// whole stack; a load function called meanwhile maps the rest at once.
/// Throws ImageError naming the library and the reason when it cannot be
/// loaded. Thread-safe.
LIVEPIX_API void preloadImageIO();

/// Lower-case extensions (without dot) the installed OpenImageIO can read.
LIVEPIX_API std::vector<std::string> readableExtensions();
/// Lower-case extensions the installed OpenImageIO can write.
LIVEPIX_API std::vector<std::string> writableExtensions();

} // namespace livepix
