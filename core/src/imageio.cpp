// The image I/O functions of imageio.h, forwarded to liblivepix_io (the
// OpenImageIO-backed implementation, oiioimageio.cpp), which is loaded here
// on first use. Core itself does not link OpenImageIO: a process that never
// loads or saves a file (`livepix --version`, `import livepix`, the window
// before its first image) never maps it.
#include "imageiobackend.h"

#include "livepix/imageerror.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

namespace livepix {

namespace detail {

namespace {

// dlerror() is per thread and cleared by the next call; copy it at once.
std::string loaderError()
{
    const char *error = ::dlerror();
    return error ? error : "unknown reason";
}

/// How liblivepix_io and its libraries are opened. RTLD_LOCAL: OpenImageIO's
/// symbols stay out of the global scope, as they were when core linked it.
/// RTLD_NOW: a missing symbol fails the load, not a later call.
///
/// RTLD_DEEPBIND: each library's references are looked up among the library
/// and its own dependencies first, and only then in the global scope (the
/// program and the libraries it started with: Qt, Python, X11 and the rest,
/// about 60 in the app). Most of the 170 000 symbol lookups of OpenImageIO's
/// 260 libraries are found there, so they no longer walk the program's
/// libraries first: the first frame of `livepix photo.png` came about 50 ms
/// sooner (9 alternated starts in one run, medians 532 -> 478 ms; see
/// docs/ARCHITECTURE.md, "Start-up: what loads when"). The same
/// libraries are the same objects either way; what changes is which
/// definition wins when two different objects define one name.
///
/// That is harmless unless something in the global scope interposes on
/// purpose: an allocator or tracer named in LD_PRELOAD or /etc/ld.so.preload
/// (OpenImageIO's libraries would call libc's malloc and free directly, and
/// memory would cross between the two allocators), or a sanitizer's runtime
/// (which refuses RTLD_DEEPBIND). Then the lookup order stays the loader's.
int openFlags()
{
    int flags = RTLD_NOW | RTLD_LOCAL;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    const char *preload = std::getenv("LD_PRELOAD");
    const bool interposed = (preload && *preload) || ::access("/etc/ld.so.preload", F_OK) == 0;
    if (!interposed)
        flags |= RTLD_DEEPBIND;
#endif
    return flags;
}

// The folder liblivepix_core itself was loaded from (build tree or install),
// where liblivepix_io sits beside it.
std::string ownFolder()
{
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void *>(&imageIOBackend), &info) == 0 || !info.dli_fname)
        return {};
    std::string path = info.dli_fname;
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

const ImageIOBackend *loadBackend()
{
    const std::string name = LIVEPIX_IO_LIBRARY; // "liblivepix_io.so.<version>"
    // Never unloaded: OpenImageIO keeps threads and static state for the
    // life of the process.
    void *handle = nullptr;
    std::string reason;
    const std::string beside = ownFolder() + name;
    if (beside != name)
        handle = ::dlopen(beside.c_str(), openFlags());
    if (!handle) {
        reason = loaderError();
        handle = ::dlopen(name.c_str(), openFlags()); // the loader's search path
    }
    if (!handle)
        throw ImageError(name, "the image input/output library cannot be loaded: " +
                                   (reason.empty() ? loaderError() : reason));
    using Entry = const ImageIOBackend *(*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, "livepix_image_io_backend"));
    if (!entry)
        throw ImageError(name, "not a livepix image input/output library: " + loaderError());
    const ImageIOBackend *backend = entry();
    if (!backend || backend->version != ImageIOBackend::Version)
        throw ImageError(name, "the image input/output library is of another livepix build");
    return backend;
}

/// Maps, one at a time, the libraries liblivepix_io needs, from the list the
/// build wrote beside it (each library after the ones it needs), so that
/// loading liblivepix_io itself then finds them mapped. Why not one dlopen:
/// the dynamic loader holds one process-wide lock for a whole dlopen (about
/// 350 ms for OpenImageIO's 260 libraries), and every other thread's library
/// load (Qt's platform and input plugins while the window appears) waits for
/// all of it. The lock is not fair, so after each library a short pause lets
/// a waiting thread take it: such a load then waits for one library at most.
/// Best effort: a library that cannot be mapped here is left to the dlopen of
/// liblivepix_io, which reports it; no list (an install without one) means
/// that one dlopen does everything, as before.
void mapDependenciesOneByOne()
{
    constexpr auto Pause = std::chrono::microseconds(50); // 260 of them: 13 ms in all
    const int flags = openFlags();
    std::ifstream list(ownFolder() + LIVEPIX_IO_PRELOAD_LIST);
    for (std::string soname; std::getline(list, soname);) {
        if (soname.empty() || soname.front() == '#')
            continue;
        // Opened as liblivepix_io is (a library keeps the lookup scope it
        // was first relocated with); never closed, as it is never unloaded
        // (the handle's reference is the one it would hold).
        if (::dlopen(soname.c_str(), flags))
            std::this_thread::sleep_for(Pause);
        else
            ::dlerror(); // clear it: the real load reports what matters
    }
}

// Set once, by the first good load; a failed load is retried by the next
// call (the error is thrown to that caller).
std::atomic<const ImageIOBackend *> loadedBackend{nullptr};

} // namespace

const ImageIOBackend &imageIOBackend()
{
    if (const ImageIOBackend *backend = loadedBackend.load(std::memory_order_acquire))
        return *backend;
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    if (!loadedBackend.load(std::memory_order_relaxed))
        loadedBackend.store(loadBackend(), std::memory_order_release);
    return *loadedBackend.load(std::memory_order_relaxed);
}

} // namespace detail

namespace {
// The table, or an ImageError that names the file being read or written
// first (the library's name and the loader's reason follow).
const detail::ImageIOBackend &backendFor(const std::string &path)
{
    try {
        return detail::imageIOBackend();
    } catch (const ImageError &error) {
        throw ImageError(path, error.path() + ": " + error.reason());
    }
}
} // namespace

void preloadImageIO()
{
    if (!detail::loadedBackend.load(std::memory_order_acquire))
        detail::mapDependenciesOneByOne();
    detail::imageIOBackend();
}

Image loadImage(const std::string &path, const ProgressCallback &progress, ImageFileInfo *info)
{
    return backendFor(path).loadImage(path, progress, info);
}

Image loadImageFromMemory(const void *data, std::size_t size, const std::string &nameHint,
                          const ProgressCallback &progress, ImageFileInfo *info)
{
    return backendFor(nameHint.empty() ? "<memory>" : nameHint).loadImageFromMemory(data, size, nameHint, progress, info);
}

Metadata readImageMetadata(const std::string &path)
{
    return backendFor(path).readImageMetadata(path);
}

void saveImage(const Image &image, const std::string &path, const SaveOptions &options,
               const ProgressCallback &progress)
{
    backendFor(path).saveImage(image, path, options, progress);
}

std::uint64_t saveSnapshot(const Image &image, const WriteSnapshot &snapshot, const std::string &path,
                           const SaveOptions &options, const ProgressCallback &progress)
{
    return backendFor(path).saveSnapshot(image, snapshot, path, options, progress);
}

std::vector<std::string> readableExtensions()
{
    return detail::imageIOBackend().readableExtensions();
}

std::vector<std::string> writableExtensions()
{
    return detail::imageIOBackend().writableExtensions();
}

} // namespace livepix
