#pragma once
// The table through which core calls the OpenImageIO-backed image I/O in
// liblivepix_io (oiioimageio.cpp). Core loads that library with dlopen the
// first time an image is loaded or saved, or when preloadImageIO() asks, so
// programs that never touch a file never load OpenImageIO (issue 9: start-up).
#include "livepix/imageio.h"

namespace livepix::detail {

/// Function pointers of one build: core and liblivepix_io come from the same
/// build (the library's file name carries the version), and `version` guards
/// against a stale library of another layout beside a newer core.
struct ImageIOBackend {
    static constexpr int Version = 1;
    int version;
    Image (*loadImage)(const std::string &path, const ProgressCallback &progress, ImageFileInfo *info);
    Image (*loadImageFromMemory)(const void *data, std::size_t size, const std::string &nameHint,
                                 const ProgressCallback &progress, ImageFileInfo *info);
    Metadata (*readImageMetadata)(const std::string &path);
    void (*saveImage)(const Image &image, const std::string &path, const SaveOptions &options,
                      const ProgressCallback &progress);
    std::uint64_t (*saveSnapshot)(const Image &image, const WriteSnapshot &snapshot, const std::string &path,
                                  const SaveOptions &options, const ProgressCallback &progress);
    std::vector<std::string> (*readableExtensions)();
    std::vector<std::string> (*writableExtensions)();
};

/// Loads liblivepix_io on the first call (from the folder liblivepix_core
/// was loaded from, then by its soname) and returns its table. Throws
/// ImageError naming the library and the loader's reason when it cannot.
/// Thread-safe: concurrent first calls load it once.
const ImageIOBackend &imageIOBackend();

} // namespace livepix::detail

/// The library's entry point, looked up with dlsym.
extern "C" LIVEPIX_API const livepix::detail::ImageIOBackend *livepix_image_io_backend();
