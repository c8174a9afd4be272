// histogram_bench: how fast the core sees the data. Medians of N runs of
//   - computeHistogram, exact, 256 bins, of a 3840x2160 RGBA float32 image
//     (target <= 40 ms), and of the same image as uint16 and uint8;
//   - computeHistogram with a pixel budget of 1M pixels on a 7680x4320 RGBA
//     float32 image (sampled; target <= 15 ms);
//   - compareMetrics and differenceImage (signed, into a reused buffer) of
//     two 3840x2160 RGBA float32 images;
//   - NumPy's np.histogram of the same float32 data (one channel at a time,
//     as livepix.histogram promises equality with), run by numpy_peer.py in
//     the same run, when /usr/bin/python3 has NumPy.
//
//   build/bin/histogram_bench [--repeat N] [--json]
// With --json the last line printed is one JSON object with every median.
// Prints figures; asserts nothing.
#include <livepix/comparison.h>
#include <livepix/histogram.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <time.h>
#include <unistd.h>

using namespace livepix;

#include "benchsupport.h"

using livepix::bench::median;
using livepix::bench::timeMs;

namespace {

double processCpuMs()
{
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

/// Median CPU time (all threads) of the last timeIt() call, in ms: on a
/// machine shared with other work the wall time says more about the others.
double lastCpuMs = 0;

/// Median wall time in ms of `repeat` runs after one warm-up run.
double timeIt(int repeat, const std::function<void()> &run)
{
    run();
    std::vector<double> ms, cpu;
    for (int i = 0; i < repeat; ++i) {
        const double c0 = processCpuMs();
        const auto t0 = std::chrono::steady_clock::now();
        run();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        cpu.push_back(processCpuMs() - c0);
    }
    lastCpuMs = median(cpu);
    return median(ms);
}

/// Smooth gradients plus noise, like a render: values in about -0.2..1.2.
Image makeImage(int w, int h, DType type, unsigned seed)
{
    Image image = Image::create(w, h, 4, type);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> noise(-0.2f, 0.2f);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 4; ++c) {
                const float v = float(x) / float(w) * (c + 1) * 0.25f + float(y) / float(h) * 0.5f + noise(rng);
                switch (type) {
                case DType::Float32: image.at<float>(x, y, c) = v; break;
                case DType::UInt16: image.at<std::uint16_t>(x, y, c) = std::uint16_t(std::clamp(v, 0.f, 1.f) * 65535); break;
                case DType::UInt8: image.at<std::uint8_t>(x, y, c) = std::uint8_t(std::clamp(v, 0.f, 1.f) * 255); break;
                case DType::Float16: image.at<float16>(x, y, c) = float16(v); break;
                }
            }
    return image;
}

/// Writes the image's raw float32 pixels for the NumPy peer; returns the path.
std::string writeRaw(const Image &image)
{
    const std::string path = "/tmp/histogram_bench_" + std::to_string(::getpid()) + ".f32";
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return {};
    for (int y = 0; y < image.height(); ++y)
        std::fwrite(image.row(y), 1, std::size_t(image.width()) * 16, f);
    std::fclose(f);
    return path;
}

/// Runs numpy_peer.py; returns its median in ms, or -1.
double numpyPeer(const Image &image, int repeat)
{
    const std::string raw = writeRaw(image);
    if (raw.empty())
        return -1;
    const std::string command = "/usr/bin/python3 " LIVEPIX_NUMPY_PEER " " + raw + " " +
                                std::to_string(image.width()) + " " + std::to_string(image.height()) + " " +
                                std::to_string(repeat) + " 2>/dev/null";
    double ms = -1;
    if (FILE *p = ::popen(command.c_str(), "r")) {
        if (std::fscanf(p, "%lf", &ms) != 1)
            ms = -1;
        ::pclose(p);
    }
    std::remove(raw.c_str());
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    int repeat = 9;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--json"))
            json = true;
        else {
            std::fprintf(stderr, "usage: %s [--repeat N] [--json]\n", argv[0]);
            return 2;
        }
    }
    const Image f32 = makeImage(3840, 2160, DType::Float32, 1);
    const Image other = makeImage(3840, 2160, DType::Float32, 2);
    const Image u16 = makeImage(3840, 2160, DType::UInt16, 1);
    const Image u8 = makeImage(3840, 2160, DType::UInt8, 1);
    const Image large = makeImage(7680, 4320, DType::Float32, 3);

    HistogramOptions exact;
    HistogramOptions sampled;
    sampled.pixelBudget = 1 << 20;
    const double histF32 = timeIt(repeat, [&] { computeHistogram(f32, exact); });
    const double histF32Cpu = lastCpuMs;
    const double histU16 = timeIt(repeat, [&] { computeHistogram(u16, exact); });
    const double histU16Cpu = lastCpuMs;
    const double histU8 = timeIt(repeat, [&] { computeHistogram(u8, exact); });
    const double histU8Cpu = lastCpuMs;
    const double histSampled = timeIt(repeat, [&] { computeHistogram(large, sampled); });
    const double histSampledCpu = lastCpuMs;
    const double metrics = timeIt(repeat, [&] { compareMetrics(f32, other); });
    const double metricsCpu = lastCpuMs;
    Image reuse = differenceImage(f32, other, DifferenceMode::Signed);
    const double difference = timeIt(repeat, [&] { reuse = differenceImage(f32, other, DifferenceMode::Signed, reuse); });
    const double differenceCpu = lastCpuMs;
    const double numpy = numpyPeer(f32, std::min(repeat, 5));

    const unsigned threads = std::thread::hardware_concurrency();
    std::printf("histogram_bench: medians of %d runs, %u hardware threads; wall ms, then CPU ms of all threads\n",
                repeat, threads);
    std::printf("  exact histogram 3840x2160 RGBA float32, 256 bins  %8.2f  %8.2f  (target <= 40 wall)\n", histF32,
                histF32Cpu);
    std::printf("  exact histogram 3840x2160 RGBA uint16             %8.2f  %8.2f\n", histU16, histU16Cpu);
    std::printf("  exact histogram 3840x2160 RGBA uint8              %8.2f  %8.2f\n", histU8, histU8Cpu);
    std::printf("  sampled histogram 7680x4320 RGBA float32, 1M px   %8.2f  %8.2f  (target <= 15 wall)\n",
                histSampled, histSampledCpu);
    std::printf("  compareMetrics 2 x 3840x2160 RGBA float32         %8.2f  %8.2f\n", metrics, metricsCpu);
    std::printf("  differenceImage signed, reused buffer             %8.2f  %8.2f\n", difference, differenceCpu);
    if (numpy >= 0)
        std::printf("  peer: np.histogram of the same float32 data       %8.2f            (4 channels, 256 bins)\n",
                    numpy);
    else
        std::printf("  peer: np.histogram not run (no /usr/bin/python3 with NumPy)\n");
    if (json)
        std::printf("{\"repeat\": %d, \"threads\": %u, \"histogram_f32_4k_ms\": %.3f, \"histogram_f32_4k_cpu_ms\": %.3f, "
                    "\"histogram_u16_4k_ms\": %.3f, \"histogram_u16_4k_cpu_ms\": %.3f, \"histogram_u8_4k_ms\": %.3f, "
                    "\"histogram_u8_4k_cpu_ms\": %.3f, \"histogram_sampled_8k_ms\": %.3f, "
                    "\"histogram_sampled_8k_cpu_ms\": %.3f, \"compare_metrics_4k_ms\": %.3f, "
                    "\"compare_metrics_4k_cpu_ms\": %.3f, \"difference_4k_ms\": %.3f, \"difference_4k_cpu_ms\": %.3f, "
                    "\"numpy_histogram_f32_4k_ms\": %s}\n",
                    repeat, threads, histF32, histF32Cpu, histU16, histU16Cpu, histU8, histU8Cpu, histSampled,
                    histSampledCpu, metrics, metricsCpu, difference, differenceCpu,
                    numpy >= 0 ? std::to_string(numpy).c_str() : "null");
    return 0;
}
