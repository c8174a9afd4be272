#pragma once
// Pieces of the livepix._livepix extension module, one per file, each adding
// its part to the module object in module.cpp.
//
// Threading: every function here runs with the GIL held unless its body says
// otherwise (load and save release it while OpenImageIO works).
#include <pybind11/pybind11.h>

#include <livepix/image.h>

#include <string>

namespace livepix::python {

namespace py = pybind11;

using ImageClass = py::class_<Image>;

/// livepix.Image: construction, attributes, copy/view, revision.
ImageClass bindImage(py::module_ &m);
/// Python buffer protocol (memoryview, PIL.frombuffer) and __array_interface__.
/// Installs hand-written buffer slots on the Image type.
void bindArrayExport(ImageClass &cls);
/// __dlpack__ / __dlpack_device__ (np.from_dlpack).
void bindDlpack(ImageClass &cls);
/// livepix.open, Image.save, livepix.ImageError and its translator.
void bindIO(py::module_ &m, ImageClass &cls);
/// livepix.histogram, statistics, auto_levels, colormaps, colormap,
/// compare_metrics, difference (core/python/databindings.cpp).
void bindData(py::module_ &m);
/// livepix.History, HistoryEntry, set_undo_limit (historybindings.cpp).
void bindHistory(py::module_ &m);
/// livepix._share, _map_shared and the write watch used by livepix.connect()
/// (sharedbindings.cpp).
void bindSharing(py::module_ &m);
#ifdef LIVEPIX_PYTHON_FILTERS
/// livepix.filters and @livepix.filter (core/python/filterbindings.cpp).
void bindFilters(py::module_ &m);
#endif

/// Converts a str, bytes or os.PathLike to a file-system path string.
std::string toPath(py::handle path);

/// (height, width) for one channel, else (height, width, channels): the
/// shape every exported array has.
py::tuple shapeOf(const Image &image);
/// Byte strides matching shapeOf().
py::tuple stridesOf(const Image &image);
/// NumPy-style typestr component for `type`: "u1", "u2", "f2", "f4".
const char *typeCode(DType type);
/// PEP 3118 (struct module) format character: "B", "H", "e", "f".
const char *formatCode(DType type);

} // namespace livepix::python
