// livepix.open, Image.save and livepix.ImageError.
//
// livepix::ImageError becomes livepix.ImageError, a subclass of OSError, so
// `except OSError` (what code written for PIL or open() catches) works. Its
// errno/strerror/filename are set like the OSError from open() would, and
// str(error) is the core's message "<path>: <reason>".
#include "bindings.h"

#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <pybind11/stl.h>

#include <cerrno>
#include <cstring>

namespace livepix::python {

namespace {

// Best-effort errno for the reasons loadImage/saveImage give; None when the
// failure is about the content rather than the file system.
py::object errnoFor(const std::string &reason)
{
    auto has = [&](const std::string &text) { return reason.find(text) != std::string::npos; };
    if (reason.rfind("no such file", 0) == 0 || has("does not exist"))
        return py::int_(ENOENT);
    if (has("is a folder"))
        return py::int_(EISDIR);
    for (int code : {EACCES, EPERM, ENOSPC, EROFS, ENOENT, EISDIR, ENOTDIR})
        if (has(std::strerror(code)))
            return py::int_(code);
    return py::none();
}

std::string optionText(py::handle value)
{
    if (py::isinstance<py::bool_>(value))
        return value.cast<bool>() ? "1" : "0";
    if (py::isinstance<py::str>(value))
        return value.cast<std::string>();
    if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value))
        return py::str(value);
    throw py::type_error("save option values must be str, int, float or bool, got " +
                         py::repr(value).cast<std::string>());
}

} // namespace

std::string toPath(py::handle path)
{
    PyObject *fsPath = PyOS_FSPath(path.ptr()); // str, bytes or os.PathLike; TypeError otherwise
    if (!fsPath)
        throw py::error_already_set();
    py::object result = py::reinterpret_steal<py::object>(fsPath);
    if (PyBytes_Check(result.ptr()))
        result = py::module_::import("os").attr("fsdecode")(result);
    return result.cast<std::string>();
}

void bindIO(py::module_ &m, ImageClass &cls)
{
    using namespace pybind11::literals;

    py::object errorType = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
        "livepix.ImageError",
        "An image file could not be opened or saved. A subclass of OSError: errno (when the cause is a "
        "file-system error), strerror (the reason) and filename are set; str() is '<file>: <reason>'.",
        PyExc_OSError, nullptr));
    if (!errorType)
        throw py::error_already_set();
    errorType.attr("__str__") = py::cpp_function(
        [](py::handle self) -> py::str {
            py::object filename = self.attr("filename");
            py::object reason = self.attr("strerror");
            if (filename.is_none() || reason.is_none())
                return py::str(py::module_::import("builtins").attr("OSError").attr("__str__")(self));
            return py::str("{}: {}").format(filename, reason);
        },
        py::is_method(errorType), py::name("__str__"));
    m.attr("ImageError") = errorType;

    // Looked up on every translation instead of cached in a static, so the
    // translator stays right if an embedding app restarts its interpreter.
    py::register_exception_translator([](std::exception_ptr pointer) {
        try {
            if (pointer)
                std::rethrow_exception(pointer);
        } catch (const livepix::ImageError &error) {
            py::object type = py::module_::import("livepix._livepix").attr("ImageError");
            py::object instance = type(errnoFor(error.reason()), error.reason(), error.path());
            PyErr_SetObject(type.ptr(), instance.ptr());
        }
    });

    m.def(
        "open",
        [](py::handle path) {
            const std::string file = toPath(path);
            py::gil_scoped_release release; // decoding may take a while; let other threads run
            return loadImage(file);
        },
        "path"_a,
        "Loads the first image of a file (any format OpenImageIO reads). Raises livepix.ImageError (an "
        "OSError) naming the file and the reason.");

    cls.def(
        "save",
        [](Image &image, py::handle path, py::kwargs options) {
            SaveOptions saveOptions;
            for (auto item : options)
                saveOptions[py::str(item.first)] = optionText(item.second);
            const std::string file = toPath(path);
            const Image handle = image; // the bytes stay alive even if another thread drops `image`
            {
                py::gil_scoped_release release;
                saveImage(handle, file, saveOptions);
            }
            image.setPath(file);
        },
        "path"_a,
        "Writes the image; the format follows the extension. Options: quality=1..100 (JPEG, WebP), "
        "compression='zip'|'piz'|'lzw'|'none'|... and any OpenImageIO attribute name. Atomic: on failure "
        "the existing file is untouched and livepix.ImageError says why.");

    // (name, type, text) like Image._metadata_entries; livepix.batch reads
    // what made an output this way without decoding its pixels.
    m.def(
        "_read_metadata",
        [](py::handle path) {
            const std::string file = toPath(path);
            Metadata metadata;
            {
                py::gil_scoped_release release;
                metadata = readImageMetadata(file);
            }
            py::list entries;
            for (const auto &e : metadata.entries())
                entries.append(py::make_tuple(e.name, e.type, e.value));
            return entries;
        },
        "path"_a, "The file's attributes as (name, type, text) tuples, without reading its pixels.");

    m.def("readable_extensions", &readableExtensions, "File extensions livepix.open can read.");
    m.def("writable_extensions", &writableExtensions, "File extensions Image.save can write.");
}

} // namespace livepix::python
