// save_bench: the cost of saving from a consistent snapshot, side by side:
//   copy: Image::copy() when Save is chosen (on the GUI thread), then
//         saveImage() of the copy (what SaveJob did before the pin);
//   pin:  WriteTracker::pin() when Save is chosen, then saveSnapshot().
// Also the memory each snapshot holds while a script rewrites the top
// quarter of the image during the save (a pin holds what is written while it
// lives; a copy holds the whole image whatever happens). Uncompressed TIFF into a
// temporary folder beside /tmp.
//
//   build/bin/save_bench [RUNS] [--json]   (RUNS at least 5, default 5; 3 at 1 GiB)
#include <livepix/image.h>
#include <livepix/imageio.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "benchsupport.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>

using namespace livepix;
namespace fs = std::filesystem;

namespace {

struct Size {
    const char *name;
    int width, height;
};

struct Figures {
    double copyAtSave = 0, pinAtSave = 0;     // ms on the thread that chose Save
    double copyTotal = 0, pinTotal = 0;       // ms until the file is written
    double copyHeld = 0, pinHeldQuarter = 0;  // bytes held while a writer rewrites a quarter
};

Figures measure(const Size &size, int runs, const fs::path &folder)
{
    const Image image = Image::create(size.width, size.height, 4, DType::UInt8);
    std::memset(image.buffer()->data(), 0x40, image.buffer()->size());
    WriteTracker &tracker = image.buffer()->enableWriteTracking();
    const std::string path = (folder / (std::string(size.name) + ".tif")).string();
    const SaveOptions options{{"compression", "none"}};
    std::vector<double> copyAt, pinAt, copyTotal, pinTotal;
    for (int run = 0; run < runs; ++run) {
        std::memset(image.row(run % size.height), run, std::size_t(size.width) * 4); // an open unit
        Image copy;
        copyAt.push_back(bench::timeMs([&] { copy = image.copy(); }));
        copyTotal.push_back(copyAt.back() + bench::timeMs([&] { saveImage(copy, path, options); }));
        copy = Image();
        std::shared_ptr<WriteSnapshot> pinned;
        pinAt.push_back(bench::timeMs([&] { pinned = tracker.pin(); }));
        pinTotal.push_back(pinAt.back() + bench::timeMs([&] { saveSnapshot(image, *pinned, path, options); }));
        tracker.takeChanges();
    }
    Figures f{bench::median(copyAt), bench::median(pinAt), bench::median(copyTotal), bench::median(pinTotal)};
    f.copyHeld = double(image.buffer()->size());
    auto pinned = tracker.pin();
    std::thread writer([&] { std::memset(image.buffer()->data(), 0x7f, image.buffer()->size() / 4); });
    saveSnapshot(image, *pinned, path, options);
    writer.join();
    f.pinHeldQuarter = double(pinned->bytes());
    tracker.takeChanges();
    return f;
}

} // namespace

int main(int argc, char **argv)
{
    const auto [runs, json] = bench::parseBenchArgs(argc, argv, 5);
    const fs::path folder = fs::temp_directory_path() / ("livepix-save-bench-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    const Size sizes[] = {{"4K", 3840, 2160}, {"1GiB", 16384, 16384}};
    std::printf("save_bench: RGBA uint8, uncompressed TIFF in %s; medians in ms\n", folder.c_str());
    std::printf("  %-6s %14s %14s %12s %12s %14s %26s\n", "image", "copy at Save", "pin at Save", "copy total",
                "pin total", "copy holds", "pin holds (1/4 rewritten)");
    std::string object = "{";
    for (const Size &size : sizes) {
        const Figures f = measure(size, size.width * size.height > (1 << 26) ? std::max(3, runs - 2) : runs, folder);
        std::printf("  %-6s %14.2f %14.3f %12.1f %12.1f %11.0f MiB %23.0f MiB\n", size.name, f.copyAtSave,
                    f.pinAtSave, f.copyTotal, f.pinTotal, f.copyHeld / 1048576, f.pinHeldQuarter / 1048576);
        char entry[512];
        std::snprintf(entry, sizeof entry,
                      "%s\"%s\": {\"copy_at_save_ms\": %.3f, \"pin_at_save_ms\": %.4f, \"copy_total_ms\": %.2f, "
                      "\"pin_total_ms\": %.2f, \"copy_holds_bytes\": %.0f, \"pin_holds_bytes_quarter_rewritten\": %.0f}",
                      object.size() > 1 ? ", " : "", size.name, f.copyAtSave, f.pinAtSave, f.copyTotal, f.pinTotal,
                      f.copyHeld, f.pinHeldQuarter);
        object += entry;
    }
    fs::remove_all(folder);
    if (json)
        std::printf("%s}\n", object.c_str());
    return 0;
}
