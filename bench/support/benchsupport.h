#pragma once
// What every livepix benchmark program shares: the median, a wall-clock timer
// and the command line `[RUNS] [--json]`.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace livepix::bench {

/// The median (the mean of the middle two for an even count); 0 when empty.
inline double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/// Wall-clock milliseconds that `f` takes.
template <typename F> double timeMs(F &&f)
{
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// `PROGRAM [RUNS] [--json]`: RUNS (at least 5) repetitions; --json prints
/// the figures as one JSON object, last.
struct BenchArgs {
    int runs = 0;
    bool json = false;
};

inline BenchArgs parseBenchArgs(int argc, char **argv, int defaultRuns)
{
    BenchArgs args{defaultRuns, false};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--json") == 0)
            args.json = true;
        else
            args.runs = std::max(5, std::atoi(argv[i]));
    }
    return args;
}

} // namespace livepix::bench
