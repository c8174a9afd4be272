// livepix_app: the `viewer` object of the console, plus the console's output
// hooks. Not named `livepix`: that name belongs to the importable package of
// core/python, whose livepix.Image type this module reuses (py::cast of a
// livepix::Image gives the very same Python type).
//
// Threading: Python calls these functions on the worker thread with the GIL
// held. Everything that touches the Viewer runs on the GUI thread through a
// blocking queued call made with the GIL released, so the GUI thread (which
// never takes the GIL) cannot deadlock with it. Python objects are only made
// or read on the worker side, never inside the GUI-thread lambdas.
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include "console/viewerbinding.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <exception>
#include <future>
#include <optional>

#include <livepix/comparison.h>
#include <livepix/image.h>
#include <livepix/imageerror.h>

#include "console/pythonruntime.h"
#include "display/channelgroups.h"
#include "display/colormapchoice.h"
#include "display/ocioconfig.h"
#include "viewer/comparecontroller.h"
#include "viewer/comparemode.h"
#include "viewer/displaypipeline.h"
#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"

namespace py = pybind11;

namespace livepix::gui {

void linkViewerBinding() {}

namespace {

PythonRuntime *runtime()
{
    PythonRuntime *r = PythonRuntime::instance();
    if (!r || r->isClosing())
        throw std::runtime_error("livepix is closing");
    return r;
}

/// Runs `f(viewer)` on the GUI thread and returns its result. The GIL is
/// released while waiting. Exceptions thrown by f are re-thrown here.
template <typename F> auto onGui(F &&f) -> decltype(f(std::declval<Viewer &>()))
{
    using R = decltype(f(std::declval<Viewer &>()));
    PythonRuntime *r = runtime();
    auto call = [&]() -> R {
        Viewer *v = r->viewer();
        if (!v)
            throw std::runtime_error("there is no viewer window");
        return f(*v);
    };
    if (QThread::currentThread() == r->guiContext()->thread())
        return call();

    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> result;
    std::exception_ptr failure;
    {
        py::gil_scoped_release release;
        QMetaObject::invokeMethod(
            r->guiContext(),
            [&]() {
                try {
                    if constexpr (std::is_void_v<R>) {
                        call();
                        result = true;
                    } else {
                        result = call();
                    }
                } catch (...) {
                    failure = std::current_exception();
                }
            },
            Qt::BlockingQueuedConnection);
    }
    if (failure)
        std::rethrow_exception(failure);
    if (!result) // the event was dropped: the runtime is going away
        throw std::runtime_error("livepix is closing");
    if constexpr (!std::is_void_v<R>)
        return std::move(*result);
}

void importLivepix()
{
    // Registers livepix.Image with pybind11 (once; later imports are a dict lookup).
    py::module_::import("livepix");
}

py::object toPython(const Image &image)
{
    if (image.isNull())
        return py::none();
    importLivepix();
    return py::cast(image);
}

bool sameView(const Image &a, const Image &b)
{
    return a.buffer() == b.buffer() && a.data() == b.data() && a.width() == b.width()
        && a.height() == b.height() && a.channels() == b.channels() && a.dtype() == b.dtype();
}

Image toImage(const py::handle &object)
{
    importLivepix();
    py::module_ livepix = py::module_::import("livepix");
    py::object imageType = livepix.attr("Image");
    if (py::isinstance(object, imageType))
        return object.cast<Image>();
    // Anything array-like is copied into a new core image.
    return imageType.attr("from_array")(object).cast<Image>();
}

/// The Python `viewer` object (there is one, `livepix_app.viewer`). It holds
/// no state: every access asks the GUI's Viewer.
struct ViewerProxy {
};

py::object currentImage(const ViewerProxy &)
{
    Image image = onGui([](Viewer &v) {
        Document *d = v.current();
        return d ? d->image() : Image();
    });
    return toPython(image);
}

py::list images(const ViewerProxy &)
{
    std::vector<Image> all = onGui([](Viewer &v) {
        std::vector<Image> out;
        for (Document *d : v.documents())
            out.push_back(d->image());
        return out;
    });
    py::list list;
    for (const Image &image : all)
        list.append(toPython(image));
    return list;
}

py::object openFile(const ViewerProxy &, const py::object &path)
{
    std::string file = py::str(py::module_::import("os").attr("fspath")(path));
    // The GUI thread only starts the load (Viewer::openAsync); this thread
    // waits for it with the GIL released, waking every 50 ms for Ctrl+C
    // (which cancels the load) and for livepix closing.
    struct Started {
        QPointer<LoadJob> job;
        std::shared_future<OpenedImage> result;
    };
    Started started = onGui([&](Viewer &v) {
        LoadJob *job = v.openAsync(QString::fromStdString(file));
        return Started{job, job->result()};
    });
    for (;;) {
        {
            py::gil_scoped_release release;
            if (started.result.wait_for(std::chrono::milliseconds(50)) == std::future_status::ready)
                break;
        }
        if (PyErr_CheckSignals() != 0) {
            if (PythonRuntime *r = PythonRuntime::instance())
                QMetaObject::invokeMethod(r->guiContext(), [job = started.job] {
                    if (job)
                        job->cancel();
                });
            throw py::error_already_set();
        }
    }
    OpenedImage result;
    try {
        result = started.result.get();
    } catch (const std::future_error &) { // the viewer went away first
        throw std::runtime_error("livepix is closing");
    }
    if (result.image.isNull()) {
        // "<path>: <reason>" from the viewer; livepix.ImageError wants both.
        std::string message = result.error.toStdString();
        std::string prefix = file + ": ";
        std::string reason = message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
        if (reason.empty())
            reason = "cannot open";
        throw ImageError(file, reason);
    }
    return toPython(result.image);
}

py::object show(const ViewerProxy &, const py::object &object, const py::object &name)
{
    Image image = toImage(object);
    QString title;
    if (!name.is_none())
        title = QString::fromStdString(py::str(name));
    else if (!image.path().empty())
        title = QFileInfo(QString::fromStdString(image.path())).fileName();
    else
        title = QStringLiteral("untitled");
    onGui([&](Viewer &v) { v.show(image, title); });
    return toPython(image);
}

void closeImage(const ViewerProxy &, const py::object &object)
{
    std::optional<Image> wanted;
    if (!object.is_none())
        wanted = toImage(object);
    bool found = onGui([&](Viewer &v) {
        Document *target = nullptr;
        if (!wanted) {
            target = v.current();
        } else {
            for (Document *d : v.documents())
                if (sameView(d->image(), *wanted))
                    target = d;
        }
        return target && v.close(target);
    });
    if (!found)
        throw py::value_error(wanted ? "this image is not open in the viewer"
                                     : "no image is open in the viewer");
}

// ---- display settings of the current document (levels, colormap, channel, colour) ----

/// Runs `edit(settings, image)` on the current document's display settings
/// on the GUI thread. Throws ValueError when no image is open; `edit` may
/// throw py::value_error naming a bad value (nothing changes then).
template <typename F> void editDisplay(F &&edit)
{
    onGui([&](Viewer &v) {
        Document *d = v.current();
        if (!d)
            throw py::value_error("no image is open in the viewer");
        DisplaySettings settings = d->displaySettings();
        edit(settings, d->image());
        d->setDisplaySettings(settings);
    });
}

struct DisplayState {
    DisplaySettings settings;
    Image image;
};

DisplayState displayState()
{
    return onGui([](Viewer &v) {
        Document *d = v.current();
        if (!d)
            throw py::value_error("no image is open in the viewer");
        return DisplayState{d->displaySettings(), d->image()};
    });
}

std::vector<int> colourChannels(const Image &image)
{
    std::vector<int> out;
    for (int c = 0; c < image.channels(); ++c)
        if (c != image.alphaChannel() || image.channels() == 1)
            out.push_back(c);
    return out;
}

py::object levels(const ViewerProxy &)
{
    const DisplayState state = displayState();
    const Image &image = state.image;
    std::vector<LevelRange> ranges;
    for (int c = 0; c < image.channels(); ++c)
        ranges.push_back(DisplayPipeline::levelsFor(state.settings, c, image.dtype()));
    const std::vector<int> colour = colourChannels(image);
    const bool shared = std::all_of(colour.begin(), colour.end(), [&](int c) { return ranges[c] == ranges[colour[0]]; });
    if (shared)
        return py::make_tuple(ranges[colour[0]].lo, ranges[colour[0]].hi);
    py::list list;
    for (const LevelRange &r : ranges)
        list.append(py::make_tuple(r.lo, r.hi));
    return list;
}

LevelRange toRange(const py::handle &pair)
{
    const auto fail = [&pair]() -> LevelRange {
        throw py::value_error("levels must be a (low, high) pair of finite numbers with low < high, or a list of "
                              "such pairs (one per channel); got " + std::string(py::repr(pair)));
    };
    if (!py::isinstance<py::sequence>(pair) || py::isinstance<py::str>(pair) || py::len(pair) != 2)
        return fail();
    py::sequence seq = py::reinterpret_borrow<py::sequence>(pair);
    double lo, hi;
    try {
        lo = seq[0].cast<double>();
        hi = seq[1].cast<double>();
    } catch (const py::cast_error &) {
        return fail();
    }
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
        return fail();
    return {lo, hi};
}

void setLevels(const ViewerProxy &, const py::object &value)
{
    // A pair, or a list of pairs: told apart by the first element being a sequence.
    bool perChannel = false;
    if (py::isinstance<py::sequence>(value) && !py::isinstance<py::str>(value) && py::len(value) > 0) {
        py::object first = py::reinterpret_borrow<py::sequence>(value)[0];
        perChannel = py::isinstance<py::sequence>(first) && !py::isinstance<py::str>(first);
    }
    std::vector<LevelRange> ranges;
    if (perChannel) {
        for (const py::handle &pair : value)
            ranges.push_back(toRange(pair));
    } else {
        ranges.push_back(toRange(value));
    }
    editDisplay([&](DisplaySettings &s, const Image &image) {
        std::vector<LevelRange> levels(image.channels());
        for (int c = 0; c < image.channels(); ++c)
            levels[c] = DisplayPipeline::levelsFor(s, c, image.dtype());
        if (perChannel) {
            if (int(ranges.size()) != image.channels())
                throw py::value_error("levels: " + std::to_string(ranges.size()) + " pairs given for an image of " +
                                      std::to_string(image.channels()) + " channels");
            levels = ranges;
        } else {
            for (int c : colourChannels(image))
                levels[c] = ranges[0];
        }
        s.levels = levels;
        s.levelsLinked = !perChannel;
    });
}

void autoLevels(const ViewerProxy &, const std::string &mode, double low, double high, bool perChannel)
{
    AutoLevelsOptions options;
    options.mode = parseAutoLevelsMode(mode); // std::invalid_argument reaches Python as ValueError
    if (!(low >= 0.0 && low < high && high <= 100.0))
        throw py::value_error("auto_levels: need 0 <= low < high <= 100, got low=" + std::to_string(low) +
                              ", high=" + std::to_string(high));
    options.lowPercent = low;
    options.highPercent = high;
    options.linked = !perChannel;
    onGui([&](Viewer &v) {
        if (!v.current())
            throw py::value_error("no image is open in the viewer");
        v.autoLevels(options);
    });
}

py::object colormap(const ViewerProxy &)
{
    const QString name = displayState().settings.colormap;
    return name.isEmpty() ? py::object(py::none()) : py::object(py::str(name.toStdString()));
}

void setColormap(const ViewerProxy &, const py::object &value)
{
    const QString name = value.is_none() ? QString() : QString::fromStdString(py::str(value));
    editDisplay([&](DisplaySettings &s, const Image &image) {
        QString error;
        if (!chooseColormap(s, image, name, &error))
            throw py::value_error(error.toStdString());
    });
}

py::object channel(const ViewerProxy &)
{
    const DisplayState state = displayState();
    const std::vector<ChannelChoice> choices = channelChoices(state.image);
    const int index = currentChannelChoice(state.image, state.settings);
    if (choices.empty() || (state.settings.channel < 0 && state.image.channels() <= 4))
        return py::none();
    return py::str(choices[index].name.toStdString());
}

void setChannel(const ViewerProxy &, const py::object &value)
{
    const bool none = value.is_none();
    const bool isIndex = !none && py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value);
    const int index = isIndex ? value.cast<int>() : -1;
    const QString name = (none || isIndex) ? QString() : QString::fromStdString(py::str(value));
    editDisplay([&](DisplaySettings &s, const Image &image) {
        const std::vector<ChannelChoice> choices = channelChoices(image);
        QStringList valid;
        for (const ChannelChoice &choice : choices)
            valid << choice.name;
        if (none) {
            applyChannelChoice(s, choices.front());
            return;
        }
        if (isIndex) {
            if (index < 0 || index >= image.channels())
                throw py::value_error("channel index " + std::to_string(index) + " is out of range: the image has " +
                                      std::to_string(image.channels()) + " channels (0.." +
                                      std::to_string(image.channels() - 1) + ")");
            s.channel = index;
            return;
        }
        for (const ChannelChoice &choice : choices) {
            if (choice.name == name && !(choice.channel < 0 && choice.group.empty())) {
                applyChannelChoice(s, choice);
                return;
            }
        }
        throw py::value_error("unknown channel '" + name.toStdString() + "' (valid: " +
                              valid.mid(image.channels() <= 4 ? 1 : 0).join(QStringLiteral(", ")).toStdString() +
                              ", an index, or None)");
    });
}

std::shared_ptr<const OcioConfig> requireOcio(const char *what)
{
    QString error;
    auto config = OcioConfig::fromEnvironment(&error);
    if (!config)
        throw py::value_error(std::string(what) + ": no OpenColorIO config (" +
                              (error.isEmpty() ? std::string("set $OCIO to a config file") : error.toStdString()) + ")");
    return config;
}

py::object displayView(const ViewerProxy &)
{
    const DisplaySettings s = displayState().settings;
    if (s.viewTransform != ViewTransform::Ocio)
        return py::none();
    auto config = OcioConfig::fromEnvironment();
    const QString display = !s.ocioDisplay.isEmpty() || !config ? s.ocioDisplay : config->defaultDisplay();
    const QString view = !s.ocioView.isEmpty() || !config ? s.ocioView : config->defaultView(display);
    return py::make_tuple(display.toStdString(), view.toStdString());
}

void setDisplayView(const ViewerProxy &, const py::object &value)
{
    if (value.is_none()) {
        editDisplay([](DisplaySettings &s, const Image &) {
            s.viewTransform = s.sceneLinear ? ViewTransform::SRGB : ViewTransform::None;
            s.ocioDisplay.clear();
            s.ocioView.clear();
        });
        return;
    }
    if (!py::isinstance<py::sequence>(value) || py::isinstance<py::str>(value) || py::len(value) != 2)
        throw py::value_error("display_view must be a (display, view) pair or None, got " + std::string(py::repr(value)));
    py::sequence pair = py::reinterpret_borrow<py::sequence>(value);
    const QString display = QString::fromStdString(py::str(pair[0]));
    const QString view = QString::fromStdString(py::str(pair[1]));
    auto config = requireOcio("display_view");
    if (!config->displays().contains(display))
        throw py::value_error("unknown display '" + display.toStdString() + "' (valid: " +
                              config->displays().join(QStringLiteral(", ")).toStdString() + ")");
    if (!config->views(display).contains(view))
        throw py::value_error("unknown view '" + view.toStdString() + "' for display '" + display.toStdString() +
                              "' (valid: " + config->views(display).join(QStringLiteral(", ")).toStdString() + ")");
    editDisplay([&](DisplaySettings &s, const Image &) {
        s.viewTransform = ViewTransform::Ocio;
        s.ocioDisplay = display;
        s.ocioView = view;
    });
}

py::object inputColorspace(const ViewerProxy &)
{
    const QString space = displayState().settings.inputColorspace;
    return space.isEmpty() ? py::object(py::none()) : py::object(py::str(space.toStdString()));
}

void setInputColorspace(const ViewerProxy &, const py::object &value)
{
    QString space;
    if (!value.is_none()) {
        const QString name = QString::fromStdString(py::str(value));
        auto config = requireOcio("input_colorspace");
        space = config->findColorSpace(name);
        if (space.isEmpty())
            throw py::value_error("unknown colour space '" + name.toStdString() + "' (valid: " +
                                  config->colorSpaces().join(QStringLiteral(", ")).toStdString() + ", or None)");
    }
    editDisplay([&](DisplaySettings &s, const Image &) { s.inputColorspace = space; });
}

std::string describe(const ViewerProxy &)
{
    struct State {
        int count;
        QString current;
        double zoom;
        bool fit;
    };
    State s = onGui([](Viewer &v) {
        Document *d = v.current();
        return State{int(v.documents().size()), d ? d->name() : QString(), v.zoom(), v.fitToWindow()};
    });
    std::string text = "<livepix viewer: " + std::to_string(s.count) + " image(s)";
    if (!s.current.isEmpty())
        text += ", showing '" + s.current.toStdString() + "'";
    text += s.fit ? ", zoom fit>" : ", zoom " + std::to_string(s.zoom) + ">";
    return text;
}

// --- Compare -----------------------------------------------------------------

/// The open document showing `image`: the same view if there is one, else
/// the first document on the same buffer (buffer identity).
Document *documentShowing(const Viewer &v, const Image &image)
{
    Document *sameBuffer = nullptr;
    for (Document *d : v.documents()) {
        if (sameView(d->image(), image))
            return d;
        if (!sameBuffer && d->image().buffer() == image.buffer())
            sameBuffer = d;
    }
    return sameBuffer;
}

void compare(const ViewerProxy &, const py::object &other, const std::string &modeName)
{
    if (other.is_none()) {
        onGui([](Viewer &v) { CompareController::forViewer(&v)->end(v.current()); });
        return;
    }
    importLivepix();
    if (!py::isinstance(other, py::module_::import("livepix").attr("Image")))
        throw py::type_error("compare() takes the Image of an open document (one of viewer.images) or None, not " +
                             std::string(py::str(py::type::of(other).attr("__name__"))));
    const Image image = other.cast<Image>();
    const std::optional<CompareMode> mode = parseCompareMode(QString::fromStdString(modeName));
    if (!mode || *mode == CompareMode::None)
        throw py::value_error("unknown compare mode '" + modeName +
                              "': use difference, absolute, squared, relative, split or blink");
    onGui([&](Viewer &v) {
        Document *reference = documentShowing(v, image);
        if (!reference)
            throw std::invalid_argument("this image is not open in the viewer: show it first (viewer.show(image))");
        if (!v.current())
            throw std::invalid_argument("no image is open in the viewer");
        QString error;
        if (!CompareController::forViewer(&v)->start(v.current(), reference, *mode, &error))
            throw std::invalid_argument(error.toStdString());
    });
}

py::dict metricsOfComparison(const ViewerProxy &)
{
    struct Pair {
        Image a, b;
    };
    const Pair pair = onGui([](Viewer &v) {
        Document *a = v.current();
        Document *b = CompareController::forViewer(&v)->referenceOf(a);
        return b ? Pair{a->image(), b->image()} : Pair{};
    });
    if (pair.b.isNull())
        throw std::runtime_error("the current image is not compared: call viewer.compare(other) first");
    CompareMetrics m;
    {
        py::gil_scoped_release release; // exact, on this thread, over the pixels as they are now
        m = compareMetrics(pair.a, pair.b);
    }
    py::dict result;
    result["mse"] = m.mse;
    result["psnr"] = m.psnr;
    result["max_abs"] = m.maxAbs;
    result["differing"] = m.differing;
    result["overlap"] = py::make_tuple(m.overlapWidth, m.overlapHeight);
    result["channels"] = m.channels;
    result["sizes_differ"] = m.sizesDiffer;
    return result;
}

} // namespace

/// viewer.undo() / viewer.redo(): the code's own unit is closed first (its
/// writes so far become a step, taken here on the worker so nothing of the
/// code's later writes mixes in), then the GUI steps the current document.
bool stepHistory(bool undo)
{
    Viewer *viewer = runtime()->viewer();
    if (!viewer)
        throw std::runtime_error("there is no viewer window");
    {
        py::gil_scoped_release release; // comparing pages takes a moment
        viewer->workUnits()->cut();
    }
    return onGui([undo](Viewer &v) {
        return (undo ? v.undo(true) : v.redo(true)) == Viewer::HistoryStep::Done;
    });
}

py::list historyEntries(const ViewerProxy &)
{
    Viewer *viewer = runtime()->viewer();
    if (viewer) {
        py::gil_scoped_release release;
        viewer->workUnits()->cut();
    }
    const auto entries = onGui([](Viewer &v) {
        Document *document = v.current();
        History *history = document ? document->history() : nullptr;
        return history ? history->entries() : std::vector<History::Entry>();
    });
    importLivepix(); // livepix.HistoryEntry is registered by the livepix module
    py::list out;
    for (const auto &entry : entries)
        out.append(py::cast(entry));
    return out;
}

void screenshot(const ViewerProxy &, const py::object &path)
{
    py::module_ os = py::module_::import("os");
    const std::string file = py::str(os.attr("path").attr("abspath")(os.attr("fspath")(path)));
    const QString error = onGui([&](Viewer &v) -> QString {
        PythonRuntime *r = runtime();
        if (!r->screenshotSource())
            return QStringLiteral("there is no window to take a screenshot of");
        v.pixelsMayHaveChanged();
        const QImage shot = r->screenshotSource()();
        if (shot.isNull())
            return QStringLiteral("the window has nothing to grab");
        // Written whole or not at all: a failed save leaves the old file.
        QSaveFile out(QString::fromStdString(file));
        if (!out.open(QIODevice::WriteOnly) || !shot.save(&out, "PNG") || !out.commit())
            return out.errorString().isEmpty() ? QStringLiteral("cannot write a PNG there") : out.errorString();
        return {};
    });
    if (!error.isEmpty()) {
        PyErr_SetString(PyExc_OSError, (file + ": " + error.toStdString()).c_str());
        throw py::error_already_set();
    }
}

} // namespace livepix::gui

using namespace livepix::gui;

PYBIND11_EMBEDDED_MODULE(livepix_app, m)
{
    m.doc() = "The livepix application, as seen from its console (`viewer`).";

    m.def(
        "_write",
        [](int stream, const std::string &text) {
            PythonRuntime *r = PythonRuntime::instance();
            QString s = QString::fromStdString(text);
            if (r)
                r->appendOutput(static_cast<PythonRuntime::Stream>(stream), s);
            else
                fputs(text.c_str(), stream == 1 ? stderr : stdout);
        },
        "Console output hook (used by sys.stdout/sys.stderr of the console).");
    m.def(
        "_input_accepted",
        []() {
            if (PythonRuntime *r = PythonRuntime::instance())
                r->inputAcceptedByWorker();
        },
        "Tells the console editor that its input is complete and about to run.");
    m.def(
        "_confirm",
        [](const std::string &question) {
            PythonRuntime *r = runtime();
            const QString text = QString::fromStdString(question).trimmed();
            if (QThread::currentThread() == r->guiContext()->thread())
                return r->confirm(text);
            bool answer = false;
            py::gil_scoped_release release;
            QMetaObject::invokeMethod(
                r->guiContext(), [&]() { answer = r->confirm(text); }, Qt::BlockingQueuedConnection);
            return answer;
        },
        "Asks the user a yes/no question on the GUI thread (IPython's %reset).");
    m.def(
        "_statement_done",
        []() {
            if (PythonRuntime *r = PythonRuntime::instance())
                r->statementDone();
        },
        "Tells the GUI a statement finished (the view repaints).");

    // Hooks of the attach server (livepix/_attach_server.py), any thread.
    m.def(
        "_begin_unit",
        [](const std::string &label) {
            if (Viewer *v = runtime()->viewer()) {
                py::gil_scoped_release release;
                v->workUnits()->begin(WorkUnits::labelForCode(QString::fromStdString(label)));
            }
        },
        "An attached client's cell begins: one unit of work (undo step).");
    m.def(
        "_end_unit",
        []() {
            if (Viewer *v = runtime()->viewer()) {
                py::gil_scoped_release release;
                v->workUnits()->end();
            }
        },
        "An attached client's cell ended.");
    m.def(
        "_pixels_may_have_changed",
        []() {
            PythonRuntime *r = runtime();
            QMetaObject::invokeMethod(r->guiContext(), [r] {
                if (Viewer *v = r->viewer())
                    v->pixelsMayHaveChanged();
            });
        },
        "Another process wrote pixels: repaint (does not wait for the GUI).");
    m.def(
        "_paint_count",
        []() {
            return onGui([](Viewer &) {
                const auto &count = runtime()->paintCountSource();
                return count ? count() : -1;
            });
        },
        "Completed paints of the canvas so far (-1 without a window); benchmarks wait for a frame with it.");

    py::class_<ViewerProxy>(m, "Viewer", R"doc(The livepix window's model, as the console's `viewer`.

Every attribute asks the GUI at the moment it is read: `viewer.image` is the
Image shown now (the same pixels, so np.asarray(viewer.image) edits what is on
screen; the view repaints after each statement, and about 30 times a second
while code runs).)doc")
        .def_property_readonly("image", &currentImage,
                               "The Image shown now (shares its pixels), or None.")
        .def_property_readonly("images", &images, "Every open image, in tab order.")
        .def("open", &openFile, py::arg("path"),
             "Opens a file and shows it; returns its Image. Raises livepix.ImageError.")
        .def("show", &show, py::arg("image"), py::arg("name") = py::none(),
             "Shows a livepix.Image (sharing its pixels) or any array (copied into a new image) "
             "as a new document; returns the Image shown.")
        .def("close", &closeImage, py::arg("image") = py::none(),
             "Closes the document showing `image` (default: the current one). Arrays that view "
             "its pixels stay valid.")
        .def_property(
            "zoom", [](const ViewerProxy &) { return onGui([](Viewer &v) { return v.zoom(); }); },
            [](const ViewerProxy &, double zoom) { onGui([=](Viewer &v) { v.setZoom(zoom); }); },
            "Display pixels per image pixel (1.0 is 1:1); 0 means fit to the window.")
        .def_property(
            "exposure", [](const ViewerProxy &) { return onGui([](Viewer &v) { return v.exposure(); }); },
            [](const ViewerProxy &, double stops) { onGui([=](Viewer &v) { v.setExposure(stops); }); },
            "Display exposure of the current image in stops (pixels are untouched).")
        .def_property(
            "gamma", [](const ViewerProxy &) { return onGui([](Viewer &v) { return v.gamma(); }); },
            [](const ViewerProxy &, double gamma) { onGui([=](Viewer &v) { v.setGamma(gamma); }); },
            "Display gamma of the current image (pixels are untouched).")
        .def_property("levels", &levels, &setLevels,
                      "Black and white points in stored units: a (low, high) pair for all colour channels, or a "
                      "list of pairs, one per channel. Reads a pair when the colour channels share one range.")
        .def("auto_levels", &autoLevels, py::arg("mode") = "minmax", py::arg("low") = 0.1, py::arg("high") = 99.9,
             py::arg("per_channel") = false,
             "Fits the levels to the shown channels' finite values: mode 'minmax' or 'percentile' (low/high "
             "in percent), one range for the colour channels unless per_channel.")
        .def_property("colormap", &colormap, &setColormap,
                      "Colormap name for one shown channel (gray, viridis, magma, inferno, plasma, cividis, turbo, "
                      "coolwarm), or None.")
        .def_property("channel", &channel, &setChannel,
                      "The shown channel (name or index; for many-channel images also a group such as "
                      "'diffuse.RGB'), or None for all colour channels.")
        .def_property("display_view", &displayView, &setDisplayView,
                      "OpenColorIO (display, view) from the config in $OCIO, or None for the built-in transform.")
        .def_property("input_colorspace", &inputColorspace, &setInputColorspace,
                      "OpenColorIO colour space of the current image's values, or None for the file's "
                      "oiio:ColorSpace (else the config's scene_linear).")
        .def("compare", &compare, py::arg("other"), py::arg("mode") = "difference",
             R"doc(Compares the current image with `other`, the Image of another open document
(found by its buffer), in `mode`: "difference" (signed a - b), "absolute", "squared",
"relative" (|a - b| / max(|b|, 1e-3)), "split" (a wipe with a draggable divider) or
"blink" (B toggles). Difference modes are shown through the current image's levels
and colormap, with defaults fitted to the difference. compare(None) ends comparing.
Raises ValueError for an image that is not open or an unknown mode.)doc")
        .def("compare_metrics", &metricsOfComparison,
             R"doc(Error metrics of the current comparison, computed now in float64 on raw values over
the overlap and the colour channels (alpha excluded): a dict with mse, psnr (peak: the
dtype's maximum for integers, 1.0 for floats), max_abs, differing (pixels where any
colour channel differs), overlap (width, height), channels and sizes_differ.
Raises RuntimeError when the current image is not compared.)doc")
        .def("undo", [](const ViewerProxy &) { return stepHistory(true); },
             "Undoes the last step of the current image (the code's writes so far are a step first, "
             "so viewer.undo() right after a write takes that write back). False if there is none.")
        .def("redo", [](const ViewerProxy &) { return stepHistory(false); },
             "Redoes the step undo() took back. False if there is none.")
        .def("screenshot", &screenshot, py::arg("path"),
             "Saves what the window's canvas shows now as a PNG (the final, smooth frame); OSError naming the "
             "file when it cannot be written (an existing file is then left as it was).")
        .def_property_readonly("history", &historyEntries,
                               "Undo steps of the current image, oldest first: str(entry) is its label "
                               "(the code, the filter and its values), entry.bytes the memory it holds.")
        .def("__repr__", &describe);

    // A static proxy cast by reference: no heap copy owned by Python, so
    // nothing is left behind when quitting has to abandon the interpreter
    // (a Python filter that never stops; tst_shutdown under LeakSanitizer).
    static ViewerProxy proxy;
    m.attr("viewer") = py::cast(&proxy, py::return_value_policy::reference);
}
