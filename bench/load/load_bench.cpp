// load_bench: load time and peak memory of livepix::loadImage.
//
//   cmake --build build --target load_bench
//   build/bin/load_bench [--repeat N] [--keep DIR] [--json]
//
// 1. Writes a synthetic 3840x2160 RGBA image (gradients + noise) as PNG,
//    JPEG (quality 90, RGB) and half-float EXR into a temporary folder with
//    saveImage, then reports the median of N loads (default 7) with
//    livepix::loadImage next to OpenImageIO's own ImageBuf::read of the same
//    file, which is the floor (livepix adds nothing on top of decoding), and
//    Pillow's Image.open().load() (Debian python3-pil; it reads no EXR) as a
//    second reference. Each load runs in a fresh process (this program run
//    as `load_bench --child-load livepix|oiio FILE WARMUP`, or python3 for
//    Pillow), so no warm allocator or memory pool helps; the process first
//    loads a small file of the same format, so library start-up is not
//    counted. The three alternate, sample by sample.
// 2. Writes an 8192x8192 RGBA8 PNG and opens it in a fresh child process (this
//    program run as `load_bench --child-peak livepix|oiio FILE WARMUP`), which
//    prints ru_maxrss before and after the load. The figure is the added peak
//    memory divided by the pixel bytes (target <= 1.15x: no intermediate copy).
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <OpenImageIO/imagebuf.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace livepix;

#include "benchsupport.h"

using livepix::bench::median;
using livepix::bench::timeMs;

namespace {

// Smooth gradients plus a little noise: compresses like a photograph, not
// like a flat test card.
Image syntheticImage(int width, int height, DType type)
{
    Image image = Image::create(width, height, 4, type);
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> noise(-12, 12);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const float fx = float(x) / width, fy = float(y) / height;
            const float v[4] = {fx, fy, 0.5f + 0.5f * std::sin(fx * 20.f) * std::cos(fy * 13.f), 0.6f + 0.4f * fx};
            for (int c = 0; c < 4; ++c) {
                const float n = noise(rng) / 255.f;
                const float value = std::clamp(v[c] + (c < 3 ? n : 0.f), 0.f, 1.f);
                if (type == DType::UInt8)
                    image.at<std::uint8_t>(x, y, c) = std::uint8_t(std::lround(value * 255.f));
                else
                    image.at<float16>(x, y, c) = float16(value);
            }
        }
    }
    return image;
}

double seconds(const std::function<void()> &work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void oiioRead(const std::string &path)
{
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha", 1);
    OIIO::ImageBuf buf(path, 0, 0, nullptr, &config);
    if (!buf.read(0, 0, true))
        throw std::runtime_error(path + ": " + buf.geterror());
}

/// Reads `path` with OpenImageIO's ImageBuf ("oiio") or livepix::loadImage.
void loadWith(const std::string &which, const std::string &path)
{
    if (which == "oiio")
        oiioRead(path);
    else
        loadImage(path);
}

/// Child mode: one timed load in a process that has done nothing else but
/// load `warmup` (libraries and codecs set up); prints milliseconds.
int childLoad(const std::string &which, const std::string &file, const std::string &warmup)
{
    loadWith(which, warmup);
    const double s = seconds([&] { loadWith(which, file); });
    std::printf("%.3f\n", s * 1e3);
    return 0;
}

/// Runs `command` and reads the one number it prints; NaN when it fails.
double runForNumber(const std::string &command)
{
    FILE *pipe = popen(command.c_str(), "r");
    double value = std::nan("");
    if (pipe) {
        if (std::fscanf(pipe, "%lf", &value) != 1)
            value = std::nan("");
        if (pclose(pipe) != 0)
            value = std::nan("");
    }
    return value;
}

/// Pillow's decode of `file` in a fresh python3, after a small file of the
/// same format; milliseconds, or NaN (no Pillow, or a format it cannot read).
double pillowLoadMs(const std::string &file, const std::string &warmup)
{
    const std::string script = "import sys, time\n"
                               "from PIL import Image\n"
                               "Image.open(sys.argv[2]).load()\n"
                               "t = time.perf_counter()\n"
                               "Image.open(sys.argv[1]).load()\n"
                               "print((time.perf_counter() - t) * 1e3)\n";
    return runForNumber("/usr/bin/python3 -c '" + script + "' '" + file + "' '" + warmup + "' 2>/dev/null");
}

double medianOfValid(std::vector<double> values)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    return values.empty() ? std::nan("") : median(values);
}

long maxRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; // kilobytes on Linux
}

// Child mode: measure one load in a process that has done nothing else.
int childPeak(const std::string &which, const std::string &file, const std::string &warmup)
{
    // Load a small file of the same format first so plugin and library set-up
    // is not counted as the big image's memory.
    loadWith(which, warmup);
    const long before = maxRssKb();
    std::size_t pixelBytes = 0;
    if (which == "oiio") {
        OIIO::ImageSpec config;
        config.attribute("oiio:UnassociatedAlpha", 1);
        OIIO::ImageBuf buf(file, 0, 0, nullptr, &config);
        if (!buf.read(0, 0, true))
            return 1;
        pixelBytes = buf.spec().image_bytes();
        std::printf("%ld %ld %zu\n", before, maxRssKb(), pixelBytes);
    } else {
        Image image = loadImage(file);
        pixelBytes = std::size_t(image.width()) * image.height() * image.channels() * image.componentSize();
        std::printf("%ld %ld %zu\n", before, maxRssKb(), pixelBytes);
    }
    return 0;
}

/// Prints the child's added peak memory; returns it over the pixel bytes.
double reportPeak(const char *self, const std::string &which, const std::string &file, const std::string &warmup)
{
    const std::string command = std::string("'") + self + "' --child-peak " + which + " '" + file + "' '" + warmup + "'";
    FILE *pipe = popen(command.c_str(), "r");
    long before = 0, after = 0;
    std::size_t bytes = 0;
    const int got = pipe ? std::fscanf(pipe, "%ld %ld %zu", &before, &after, &bytes) : 0;
    if (pipe)
        pclose(pipe);
    if (got != 3 || bytes == 0) {
        std::printf("  %-8s peak memory: child failed\n", which.c_str());
        return std::nan("");
    }
    const double added = double(after - before) * 1024.0;
    std::printf("  %-8s added peak %7.1f MiB for %7.1f MiB of pixels: %.3fx\n", which.c_str(), added / 1048576.0,
                double(bytes) / 1048576.0, added / double(bytes));
    return added / double(bytes);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 5 && std::strcmp(argv[1], "--child-peak") == 0)
        return childPeak(argv[2], argv[3], argv[4]);
    if (argc == 5 && std::strcmp(argv[1], "--child-load") == 0)
        return childLoad(argv[2], argv[3], argv[4]);

    int repeat = 7;
    std::string keep;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else if (std::strcmp(argv[i], "--json") == 0)
            json = true;
        else {
            std::fprintf(stderr, "usage: %s [--repeat N] [--keep DIR] [--json]\n", argv[0]);
            return 2;
        }
    }

    struct Result {
        const char *key;
        double livepixMs, oiioMs, pillowMs;
    };
    std::vector<Result> results;
    double peakRatio = std::nan("");
    char tmpl[] = "/tmp/livepix-load-bench-XXXXXX";
    const fs::path dir = keep.empty() ? fs::path(mkdtemp(tmpl)) : fs::path(keep);
    fs::create_directories(dir);

    try {
        std::printf("load_bench: 3840x2160 RGBA, median of %d loads, each in a fresh process (OpenImageIO %s, "
                    "%d threads)\n",
                    repeat, OIIO_VERSION_STRING, OIIO::get_int_attribute("threads"));
        const Image rgba8 = syntheticImage(3840, 2160, DType::UInt8);
        const Image rgbaHalf = syntheticImage(3840, 2160, DType::Float16);
        struct Case {
            const char *name;
            const char *key;
            std::string file;
            std::string warmup;
        };
        const std::vector<Case> cases = {
            {"PNG u8", "png", (dir / "bench4k.png").string(), (dir / "warm.png").string()},
            {"JPEG u8", "jpeg", (dir / "bench4k.jpg").string(), (dir / "warm.jpg").string()},
            {"EXR f16", "exr", (dir / "bench4k.exr").string(), (dir / "warm.exr").string()}};
        const Image small8 = syntheticImage(64, 64, DType::UInt8);
        saveImage(rgba8, cases[0].file);
        saveImage(small8, cases[0].warmup);
        saveImage(rgba8, cases[1].file, {{"quality", "90"}});
        saveImage(small8, cases[1].warmup, {{"quality", "90"}});
        saveImage(rgbaHalf, cases[2].file, {{"compression", "zip"}});
        saveImage(syntheticImage(64, 64, DType::Float16), cases[2].warmup, {{"compression", "zip"}});

        const std::string self = std::string("'") + argv[0] + "' --child-load ";
        for (const auto &c : cases) {
            std::vector<double> ours, floor, pillow;
            const std::string args = " '" + c.file + "' '" + c.warmup + "'";
            for (int i = 0; i < repeat; ++i) {
                ours.push_back(runForNumber(self + "livepix" + args));
                floor.push_back(runForNumber(self + "oiio" + args));
                pillow.push_back(pillowLoadMs(c.file, c.warmup));
            }
            const double a = medianOfValid(ours), b = medianOfValid(floor), p = medianOfValid(pillow);
            char pillowText[32] = "    n/a   "; // Pillow reads no EXR
            if (!std::isnan(p))
                std::snprintf(pillowText, sizeof pillowText, "%7.1f ms", p);
            std::printf("  %-8s %6.1f MiB file  livepix %7.1f ms  OIIO ImageBuf %7.1f ms  Pillow %s  "
                        "livepix/OIIO %.2f\n",
                        c.name, double(fs::file_size(c.file)) / 1048576.0, a, b, pillowText, a / b);
            results.push_back({c.key, a, b, p});
        }

        std::printf("peak memory opening an 8192x8192 RGBA8 PNG (fresh child process each):\n");
        const std::string big = (dir / "big8k.png").string(), small = (dir / "small.png").string();
        saveImage(syntheticImage(8192, 8192, DType::UInt8), big, {{"compression", "zip:1"}});
        saveImage(syntheticImage(64, 64, DType::UInt8), small);
        peakRatio = reportPeak(argv[0], "livepix", big, small);
        reportPeak(argv[0], "oiio", big, small);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "load_bench: %s\n", e.what());
        if (keep.empty())
            fs::remove_all(dir);
        return 1;
    }
    if (keep.empty())
        fs::remove_all(dir);
    if (json) {
        // NaN (Pillow and EXR) prints as null.
        const auto number = [](double v) { return std::isnan(v) ? std::string("null") : std::to_string(v); };
        std::string out = "{\"repeat\": " + std::to_string(repeat) + ", \"load_ms\": {";
        for (std::size_t i = 0; i < results.size(); ++i)
            out += std::string(i ? ", " : "") + "\"" + results[i].key + "\": {\"livepix\": " +
                   number(results[i].livepixMs) + ", \"oiio\": " + number(results[i].oiioMs) +
                   ", \"pillow\": " + number(results[i].pillowMs) + "}";
        out += "}, \"peak_memory_ratio\": " + number(peakRatio) + "}";
        std::printf("%s\n", out.c_str());
    }
    return 0;
}
