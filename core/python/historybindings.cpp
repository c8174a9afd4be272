// livepix.History and livepix.HistoryEntry: undo for any image's pixels,
// whoever writes them (core History + WriteTracker), without the app.
#include "bindings.h"

#include <livepix/history.h>

#include <pybind11/stl.h>

#include <memory>

namespace livepix::python {

namespace {

// One budget for every History made from Python, as the app has one for
// all its documents.
std::shared_ptr<UndoBudget> sharedBudget()
{
    static auto budget = std::make_shared<UndoBudget>();
    return budget;
}

std::string entryRepr(const History::Entry &entry)
{
    return "<HistoryEntry '" + entry.label + "' " + std::to_string(entry.bytes) + " bytes>";
}

// Keeps the image (and so its buffer) alive as long as the history.
struct PyHistory {
    Image image;
    std::unique_ptr<History> history;
};

} // namespace

void bindHistory(py::module_ &m)
{
    using namespace pybind11::literals;
    py::class_<History::Entry>(m, "HistoryEntry", "One undo step: str(entry) is its label, entry.bytes its memory.")
        .def_readonly("label", &History::Entry::label)
        .def_readonly("bytes", &History::Entry::bytes)
        .def("__str__", [](const History::Entry &e) { return e.label; })
        .def("__repr__", &entryRepr);

    py::class_<PyHistory>(m, "History", R"doc(
Undo for an image's pixels, whoever writes them (NumPy in any thread, filters,
ctypes, OpenImageIO). Every write into the image's buffer is tracked from here
on; commit(label) ends a unit of work and keeps the pages it changed as one
step. System calls cannot write into a tracked buffer (f.readinto(view) raises
OSError "Bad address"): read into bytes first and assign.

    h = livepix.History(img)
    np.asarray(img)[:10] = 0
    h.commit("clear the top")   # True: a step was added
    h.undo()                    # the pixels are back, bit for bit
)doc")
        .def(py::init([](const Image &image) {
                 if (image.isNull())
                     throw py::value_error("History needs an image with pixels");
                 return PyHistory{image, std::make_unique<History>(image.buffer(), sharedBudget())};
             }),
             "image"_a)
        .def(
            "commit",
            [](PyHistory &h, const std::string &label) {
                const History::Commit result = h.history->commit(label);
                if (result == History::Commit::NotUndoable)
                    PyErr_WarnEx(PyExc_RuntimeWarning, h.history->lastProblem().c_str(), 1);
                return result == History::Commit::Added;
            },
            "label"_a, "Ends the unit of work; True if it changed pixels and became an undo step.")
        .def("undo", [](PyHistory &h) { return h.history->undo(); }, "Undoes one step; False if none.")
        .def("redo", [](PyHistory &h) { return h.history->redo(); }, "Redoes one step; False if none.")
        .def_property_readonly("entries", [](const PyHistory &h) { return h.history->entries(); },
                               "Steps, oldest first.")
        .def_property_readonly("position", [](const PyHistory &h) { return h.history->position(); },
                               "How many of the entries are applied.")
        .def_property_readonly("modified", [](const PyHistory &h) { return !h.history->isClean(); },
                               "The pixels differ from the last mark_saved() (open writes not counted).")
        .def("mark_saved", [](PyHistory &h) { h.history->markClean(); })
        .def_property_readonly("open_writes", [](const PyHistory &h) { return h.history->hasOpenWrites(); },
                               "Writes not committed yet.");
    m.def(
        "set_undo_limit", [](std::size_t bytes) { sharedBudget()->setLimit(bytes); }, "bytes"_a,
        "Memory all History objects may keep together (default 1 GiB); the oldest steps go first.");
}

} // namespace livepix::python
