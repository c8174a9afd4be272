// Seeing the data, headless: livepix.histogram, statistics, auto_levels,
// colormaps, colormap, compare_metrics and difference. Each takes a
// livepix.Image or anything Image.from_array accepts (an array is copied
// first; float64 becomes float32 there). The pixel passes run with the GIL
// released: the Image handle keeps its buffer alive meanwhile.
#include "bindings.h"

#include <livepix/autolevels.h>
#include <livepix/colormap.h>
#include <livepix/comparison.h>
#include <livepix/histogram.h>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>

namespace livepix::python {

namespace {

using namespace pybind11::literals;

/// An Image argument: a livepix.Image as it is, else a copy made by Image.from_array.
Image imageArgument(py::handle object)
{
    if (py::isinstance<Image>(object))
        return object.cast<Image>();
    return py::type::of<Image>().attr("from_array")(object).cast<Image>();
}

py::tuple histogram(py::handle object, int bins, py::object range, std::size_t pixelBudget)
{
    const Image image = imageArgument(object);
    HistogramOptions options;
    options.bins = bins;
    options.pixelBudget = pixelBudget;
    if (!range.is_none()) {
        const auto pair = range.cast<std::pair<double, double>>();
        options.range = pair;
    }
    Histogram result;
    {
        py::gil_scoped_release unlocked;
        result = computeHistogram(image, options);
    }
    const auto channels = static_cast<py::ssize_t>(result.counts.size());
    py::array_t<std::int64_t> counts({channels, static_cast<py::ssize_t>(bins)});
    auto out = counts.mutable_unchecked<2>();
    for (py::ssize_t c = 0; c < channels; ++c)
        for (py::ssize_t b = 0; b < bins; ++b)
            out(c, b) = static_cast<std::int64_t>(result.counts[static_cast<std::size_t>(c)][static_cast<std::size_t>(b)]);
    // Every channel shares the range (given, or the finite min..max of all
    // channels), so one edges array serves them all.
    std::vector<double> edges = result.edges.empty() ? std::vector<double>() : result.edges.front();
    return py::make_tuple(counts, py::array_t<double>(static_cast<py::ssize_t>(edges.size()), edges.data()));
}

py::list statistics(py::handle object, std::size_t pixelBudget)
{
    const Image image = imageArgument(object);
    std::vector<ChannelStats> stats;
    {
        py::gil_scoped_release unlocked;
        stats = computeStatistics(image, pixelBudget);
    }
    py::list result;
    for (const ChannelStats &s : stats)
        result.append(py::dict("min"_a = s.min, "max"_a = s.max, "mean"_a = s.mean, "finite"_a = s.finite,
                               "nan"_a = s.nan, "posinf"_a = s.posInf, "neginf"_a = s.negInf));
    return result;
}

py::list autoLevelsOf(py::handle object, const std::string &mode, double low, double high, bool linked,
                      std::optional<std::vector<int>> channels, std::size_t pixelBudget)
{
    const Image image = imageArgument(object);
    AutoLevelsOptions options;
    options.mode = parseAutoLevelsMode(mode); // std::invalid_argument reaches Python as ValueError
    options.lowPercent = low;
    options.highPercent = high;
    options.linked = linked;
    options.channels = channels.value_or(std::vector<int>());
    options.pixelBudget = pixelBudget;
    std::vector<LevelRange> levels;
    {
        py::gil_scoped_release unlocked;
        levels = autoLevels(image, options);
    }
    py::list result;
    for (const LevelRange &l : levels)
        result.append(py::make_tuple(l.lo, l.hi));
    return result;
}

py::array_t<std::uint8_t> colormapTable(const std::string &name)
{
    const Colormap *map = findColormap(name);
    if (!map) {
        std::string known;
        for (const Colormap *m : colormaps())
            known += (known.empty() ? "" : ", ") + std::string(m->name);
        throw py::value_error("unknown colormap \"" + name + "\"; known: " + known);
    }
    py::array_t<std::uint8_t> table({256, 3});
    std::memcpy(table.mutable_data(), map->rgb.data(), sizeof map->rgb);
    return table;
}

py::dict metrics(py::handle first, py::handle second)
{
    const Image a = imageArgument(first), b = imageArgument(second);
    CompareMetrics m;
    {
        py::gil_scoped_release unlocked;
        m = compareMetrics(a, b);
    }
    return py::dict("mse"_a = m.mse, "psnr"_a = m.psnr, "max_abs"_a = m.maxAbs, "differing"_a = m.differing,
                    "overlap"_a = py::make_tuple(m.overlapWidth, m.overlapHeight), "channels"_a = m.channels,
                    "sizes_differ"_a = m.sizesDiffer);
}

DifferenceMode differenceMode(const std::string &mode)
{
    if (mode == "signed")
        return DifferenceMode::Signed;
    if (mode == "absolute")
        return DifferenceMode::Absolute;
    if (mode == "squared")
        return DifferenceMode::Squared;
    if (mode == "relative")
        return DifferenceMode::Relative;
    throw py::value_error("difference mode must be \"signed\", \"absolute\", \"squared\" or \"relative\", not \"" +
                          mode + "\"");
}

Image difference(py::handle first, py::handle second, const std::string &mode)
{
    const Image a = imageArgument(first), b = imageArgument(second);
    const DifferenceMode m = differenceMode(mode);
    py::gil_scoped_release unlocked;
    return differenceImage(a, b, m);
}

} // namespace

void bindData(py::module_ &m)
{
    m.def("histogram", &histogram, "image"_a, "bins"_a = 256, "range"_a = py::none(), "pixel_budget"_a = 0,
          R"doc(Histogram of every channel: (counts, edges).

counts is an int64 array of shape (channels, bins); edges a float64 array of
bins + 1 edges shared by all channels. Each row equals
numpy.histogram(values, bins, range) over that channel's finite values taken
as float64; NaN and +-Inf are left out (statistics() counts them). With
range=None the range is ONE shared range, the finite min..max over all
channels (NumPy's rules: no finite value gives 0..1, a constant gives
v - 0.5..v + 0.5), so numpy.histogram(channel, bins, range=(edges[0],
edges[-1])) gives the same counts. pixel_budget > 0 looks at a regular sample
of about that many pixels when the image has more. An array is copied into an
Image first (float64 becomes float32).)doc");
    m.def("statistics", &statistics, "image"_a, "pixel_budget"_a = 0,
          "Per channel a dict: min, max, mean (over finite values; NaN when there are none), and the counts "
          "finite, nan, posinf, neginf.");
    m.def("auto_levels", &autoLevelsOf, "image"_a, "mode"_a = "minmax", "low"_a = 0.1, "high"_a = 99.9,
          "linked"_a = true, "channels"_a = py::none(), "pixel_budget"_a = 0,
          R"doc(Levels fitted to the finite data: a list of (lo, hi) per channel.

mode "minmax": the finite min and max. mode "percentile": lo is
numpy.percentile(values, low, method="lower") and hi is
numpy.percentile(values, high, method="higher"), exactly. linked=True pools
the fitted channels (one range for all); channels=None fits all but alpha,
the others get the dtype's full range. A constant channel gets
[v - 0.5, v + 0.5] (integers, clamped to the type) or
[v - max(|v|, 1)/2, v + max(|v|, 1)/2] (floats); one with no finite value the
full range.)doc");
    m.def("colormaps", [] {
        std::vector<std::string> names;
        for (const Colormap *map : colormaps())
            names.emplace_back(map->name);
        return names;
    }, "Names of the compiled-in colormaps, in menu order.");
    m.def("colormap", &colormapTable, "name"_a,
          "The colormap's table: a (256, 3) uint8 array of sRGB values (a copy). Names are case-insensitive.");
    m.def("compare_metrics", &metrics, "a"_a, "b"_a,
          R"doc(Error metrics of a against b over their overlap (top-left aligned) and
their colour channels (alpha excluded), in float64 on raw values: a dict with
mse, psnr (peak: the dtype maximum of a for integers, 1.0 for floats; inf
when mse is 0), max_abs, differing (pixels where any compared channel
differs), overlap (width, height), channels and sizes_differ.)doc");
    m.def("difference", &difference, "a"_a, "b"_a, "mode"_a = "signed",
          "A float32 Image of the overlap with one channel per compared colour channel: a - b (\"signed\"), "
          "|a - b| (\"absolute\"), (a - b)**2 (\"squared\") or |a - b| / max(|b|, 1e-3) (\"relative\"), "
          "computed in float64.");
}

} // namespace livepix::python
