// Maps the image I/O stack on a thread of its own while the GUI starts.
#pragma once

#include <thread>

namespace livepix::gui {

/// Runs livepix::preloadImageIO() on a thread of its own from construction;
/// the destructor waits for it. main() makes one before QApplication: every
/// GUI run opens an image (the files given, or the sample), and OpenImageIO
/// with the libraries it links takes a few hundred ms to map, so it maps on
/// the second core while Qt starts and the window appears instead of after
/// (bench/startup/startup_bench.py, "first frame"). A failure to load is not
/// reported here: the first load or save reports it, with its reason.
/// Thread rule: construct and destroy on one thread; the worker touches
/// nothing but core's loader, which is thread-safe.
class ImageIOPreload {
public:
    ImageIOPreload();
    ~ImageIOPreload();
    ImageIOPreload(const ImageIOPreload &) = delete;
    ImageIOPreload &operator=(const ImageIOPreload &) = delete;

private:
    std::thread m_thread;
};

} // namespace livepix::gui
