// livepix.Image: the Python face of livepix::Image (a handle to a shared,
// strided PixelBuffer). Array protocols live in arrayexport.cpp and
// dlpackexport.cpp, load/save in iobindings.cpp.
#include "bindings.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <livepix/checkedsize.h>

#include <cctype>
#include <climits>
#include <sstream>

namespace livepix::python {

namespace {

const char *const kKeptTypes = "uint8, uint16, float16 or float32";

// NumPy decides what a dtype-like object means ("float" is float64 there, "b"
// is int8), so names are read through np.dtype rather than parseDType.
DType dtypeFromPython(py::handle object)
{
    py::dtype dtype;
    try {
        dtype = py::dtype::from_args(py::reinterpret_borrow<py::object>(object));
    } catch (py::error_already_set &) {
        throw py::type_error("dtype " + py::repr(object).cast<std::string>() + " is not understood by NumPy; use " +
                             kKeptTypes);
    }
    // NumPy has normalised the spelling ("u1", np.uint8, "uint8" all give
    // "uint8"); the core knows which names it keeps.
    const std::string name = py::str(dtype.attr("name"));
    try {
        return parseDType(name);
    } catch (const std::invalid_argument &) {
    }
    throw py::type_error("livepix images hold " + std::string(kKeptTypes) + ", not " + name);
}

// A Python integer (anything with __index__, so NumPy integers too) as an
// int. pybind11's own int conversion would raise a TypeError that names no
// value for 2**31; this raises `Error` (ValueError for sizes, IndexError for
// positions) naming the argument and its value.
template <typename Error> int intArgument(py::handle value, const char *name)
{
    if (!PyIndex_Check(value.ptr()))
        throw py::type_error(std::string(name) + " must be an int, got " + py::repr(value).cast<std::string>() +
                             " (" + Py_TYPE(value.ptr())->tp_name + ")");
    py::int_ number = py::reinterpret_steal<py::int_>(PyNumber_Index(value.ptr()));
    if (!number)
        throw py::error_already_set();
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(number.ptr(), &overflow);
    if (overflow != 0 || v < INT_MIN || v > INT_MAX)
        throw Error(std::string(name) + " " + py::str(number).cast<std::string>() +
                    " is outside the range livepix sizes and positions take (" + std::to_string(INT_MIN) + ".." +
                    std::to_string(INT_MAX) + ")");
    return static_cast<int>(v);
}

std::string channelSummary(const Image &image)
{
    // "RGBA", "Y", "YA" read well; anything else is just counted.
    std::string letters;
    for (const auto &name : image.channelNames()) {
        if (image.channels() > 4 || name.size() != 1 || !std::isalpha(static_cast<unsigned char>(name[0])))
            return std::to_string(image.channels()) + (image.channels() == 1 ? " channel" : " channels");
        letters += name;
    }
    return letters;
}

std::string reprOf(const Image &image)
{
    if (image.isNull())
        return "<livepix.Image (empty)>";
    std::ostringstream out;
    out << "<livepix.Image " << image.width() << "x" << image.height() << " " << channelSummary(image) << " "
        << dtypeName(image.dtype());
    if (!image.path().empty())
        out << " from " << py::repr(py::str(image.path())).cast<std::string>();
    if (image.readOnly())
        out << ", read-only";
    out << ">";
    return out.str();
}

// Copies any array-like into a new core image. NumPy does the strided copy
// (any strides, negative, Fortran order), which is what np.copyto is for.
py::object fromArray(py::handle source)
{
    py::module_ np = py::module_::import("numpy");
    py::array array = np.attr("asarray")(source);
    const std::string typeName = py::str(array.dtype().attr("name"));
    DType type;
    if (typeName == "float64") {
        type = DType::Float32; // NumPy's default float: keep it as livepix's float
    } else if (typeName == "uint8" || typeName == "uint16" || typeName == "float16" || typeName == "float32") {
        type = dtypeFromPython(array.dtype());
    } else {
        throw py::type_error("cannot make a livepix image from a " + typeName + " array: livepix images hold " +
                             kKeptTypes + " (float64 is converted to float32); convert first, e.g. " +
                             "array.astype(np.uint8)");
    }
    if (array.ndim() != 2 && array.ndim() != 3)
        throw py::value_error("expected an array of shape (height, width) or (height, width, channels), got " +
                              py::str(py::object(array.attr("shape"))).cast<std::string>());
    const auto height = array.shape(0);
    const auto width = array.shape(1);
    const auto channels = array.ndim() == 3 ? array.shape(2) : 1;
    if (height <= 0 || width <= 0 || channels <= 0)
        throw py::value_error("cannot make an image from an empty array of shape " +
                              py::str(py::object(array.attr("shape"))).cast<std::string>());
    if (channels > Image::maxChannels)
        throw py::value_error("an image has at most " + std::to_string(Image::maxChannels) + " channels, got " +
                              std::to_string(channels) + " (is the array (channels, height, width)? " +
                              "use np.moveaxis(a, 0, -1))");
    if (height > INT_MAX || width > INT_MAX)
        throw py::value_error("an array of shape " + py::str(py::object(array.attr("shape"))).cast<std::string>() +
                              " is too large for an image: width and height are at most " + std::to_string(INT_MAX));

    py::object result = py::cast(Image::create(static_cast<int>(width), static_cast<int>(height),
                                               static_cast<int>(channels), type));
    py::object target = np.attr("asarray")(result); // writable view of the new buffer
    py::object input = array;
    if (array.ndim() == 3 && channels == 1)
        input = array[py::make_tuple(py::ellipsis(), 0)];
    np.attr("copyto")(target, input, py::arg("casting") = "same_kind");
    return result;
}

} // namespace

ImageClass bindImage(py::module_ &m)
{
    using namespace pybind11::literals;
    py::class_<Image> cls(m, "Image", py::buffer_protocol(), R"doc(
An image: a handle to pixels in a shared, reference-counted, strided buffer.

Image(width, height, channels=4, dtype="uint8", *, shared=False) makes a
zero-filled image; shared=True puts its pixels in shared memory from the
start, so that viewer.show(image) of a livepix.connect() viewer hands the
very memory to the window (no copy).
dtype is anything np.dtype understands that names uint8, uint16, float16 or
float32. np.asarray(img) is a writable view of the same memory (no copy),
of shape (height, width) for one channel and (height, width, channels)
otherwise, with the image's real byte strides.
)doc");

    cls.def(py::init([](py::handle width, py::handle height, py::handle channels, py::object dtype, bool shared) {
                return Image::create(intArgument<py::value_error>(width, "width"),
                                     intArgument<py::value_error>(height, "height"),
                                     intArgument<py::value_error>(channels, "channels"), dtypeFromPython(dtype),
                                     shared ? PixelMemory::Shared : PixelMemory::Private);
            }),
            "width"_a, "height"_a, "channels"_a = 4, "dtype"_a = "uint8", py::kw_only(), "shared"_a = false);

    cls.def_static("from_array", &fromArray, "array"_a,
                   "Copies an array of shape (H, W) or (H, W, C) into a new image. Any strides and memory "
                   "order are accepted. dtype must be uint8, uint16, float16 or float32; float64 is converted "
                   "to float32; anything else raises TypeError.");

    cls.def_property_readonly("width", &Image::width);
    cls.def_property_readonly("height", &Image::height);
    cls.def_property_readonly("channels", &Image::channels);
    cls.def_property_readonly(
        "dtype", [](const Image &image) { return py::dtype(dtypeName(image.dtype())); },
        "The component type as a numpy.dtype (compares equal to 'uint8', np.uint8...).");
    cls.def_property_readonly("shape", &shapeOf, "(height, width) for one channel, else (height, width, channels).");
    cls.def_property_readonly("strides", &stridesOf, "Byte strides matching shape (rows are padded to 64 bytes).");
    cls.def_property_readonly("itemsize", &Image::componentSize, "Bytes per component.");
    cls.def_property_readonly(
        "nbytes",
        [](const Image &image) {
            constexpr std::string_view what = "nbytes";
            return checkedMul(checkedMul(std::size_t(image.width()), std::size_t(image.height()), what),
                              checkedMul(std::size_t(image.channels()), image.componentSize(), what), what);
        },
        "Bytes of pixel data (without row padding).");
    cls.def_property(
        "channel_names", [](const Image &image) { return image.channelNames(); },
        [](Image &image, std::vector<std::string> names) { image.setChannelNames(std::move(names)); },
        "Names of the channels, e.g. ['R', 'G', 'B', 'A']. Assign a list of the same length to rename; the "
        "names belong to the image, so every handle of it (viewer.image, the document) sees the new ones.");
    cls.def_property(
        "path", [](const Image &image) { return image.path(); },
        [](Image &image, py::handle path) { image.setPath(path.is_none() ? std::string() : toPath(path)); },
        "The file this image was loaded from or last saved to ('' if none).");
    cls.def_property_readonly("source_type", &Image::sourceType,
                              "The file's component type when it differed from dtype (e.g. 'float64'), else ''.");
    cls.def_property(
        "readonly", &Image::readOnly, &Image::setReadOnly,
        "True when arrays and memoryviews of this image are read-only. Shared by every handle of the image "
        "(like channel_names, path and metadata); checked when a view is exported: views made earlier keep "
        "their writability.");
    cls.def_property_readonly("revision", &Image::revision,
                              "Counter bumped by mark_changed(); display caches compare it.");
    cls.def("mark_changed", &Image::markChanged,
            "Declares that the pixels may have changed (bumps the buffer's revision). The livepix app does this "
            "after every console statement; call it yourself from threads or long loops.");
    cls.def_property_readonly(
        "_data_ptr", [](const Image &image) { return reinterpret_cast<std::uintptr_t>(image.data()); },
        "Address of pixel (0, 0) channel 0 (for tests and debugging).");
    cls.def_property_readonly(
        "_buffer_ptr",
        [](const Image &image) { return reinterpret_cast<std::uintptr_t>(image.buffer() ? image.buffer()->data() : nullptr); },
        "Address of the start of the underlying buffer.");
    cls.def_property_readonly(
        "_buffer_refs", [](const Image &image) { return image.buffer().use_count(); },
        "How many C++ handles share the buffer (this one, views, exported arrays).");

    cls.def("copy", &Image::copy, "Deep copy into a new buffer (keeps path, channel names and metadata).");
    cls.def(
        "view",
        [](const Image &image, py::handle x, py::handle y, py::handle width, py::handle height) {
            return image.view(intArgument<py::index_error>(x, "x"), intArgument<py::index_error>(y, "y"),
                              intArgument<py::index_error>(width, "width"),
                              intArgument<py::index_error>(height, "height"));
        },
        "x"_a, "y"_a, "width"_a, "height"_a,
        "A crop sharing memory with this image (IndexError if it leaves the image). It starts with a copy of "
        "this image's channel names, path and metadata; changing them on the view leaves this image's alone.");
    cls.def(
        "channel_view",
        [](const Image &image, py::handle first, py::handle count) {
            return image.channelView(intArgument<py::index_error>(first, "first"),
                                     intArgument<py::index_error>(count, "count"));
        },
        "first"_a, "count"_a = 1,
        "A subset of the channels sharing memory, e.g. img.channel_view(0, 3) is RGB of RGBA.");
    cls.def("__copy__", [](const Image &image) { return image; },
            "A new handle to the same image: same pixels, same channel names, path and metadata.");
    cls.def("__deepcopy__", [](const Image &image, py::handle) { return image.copy(); }, "memo"_a);
    cls.def("__repr__", &reprOf);
    // Pickling (multiprocessing, caching) sends a compact copy of the pixels
    // and the descriptive state; the unpickled image owns a new buffer.
    cls.def(py::pickle(
        [](const Image &image) {
            py::list metadata;
            for (const auto &e : image.metadata().entries())
                metadata.append(py::make_tuple(e.name, e.type, e.value));
            py::object pixels = py::module_::import("numpy").attr("array")(py::cast(image), "copy"_a = true);
            return py::make_tuple(pixels, image.channelNames(), image.path(), image.sourceType(), metadata,
                                  image.readOnly());
        },
        [](const py::tuple &state) {
            if (state.size() != 6)
                throw std::runtime_error("livepix.Image: unexpected pickle state");
            Image image = fromArray(state[0]).cast<Image>();
            image.setChannelNames(state[1].cast<std::vector<std::string>>());
            image.setPath(state[2].cast<std::string>());
            image.setSourceType(state[3].cast<std::string>());
            Metadata metadata;
            for (auto entry : state[4].cast<py::list>()) {
                auto item = entry.cast<py::tuple>();
                metadata.set(item[0].cast<std::string>(), item[2].cast<std::string>(), item[1].cast<std::string>());
            }
            image.setMetadata(std::move(metadata));
            image.setReadOnly(state[5].cast<bool>());
            return image;
        }));

    // Metadata is offered as a mapping by livepix/_metadata.py on top of these.
    // They act on the state every handle of the image shares, so a value set
    // through viewer.image is the one the app saves.
    cls.def("_metadata_entries", [](const Image &image) {
        py::list entries;
        for (const auto &e : image.metadata().entries())
            entries.append(py::make_tuple(e.name, e.type, e.value));
        return entries;
    });
    cls.def("_set_metadata", [](Image &image, const std::string &name, const std::string &value,
                                const std::string &type) { image.setMetadataValue(name, value, type); });
    cls.def("_remove_metadata", [](Image &image, const std::string &name) { image.removeMetadataValue(name); });
    return cls;
}

py::tuple shapeOf(const Image &image)
{
    if (image.channels() == 1)
        return py::make_tuple(image.height(), image.width());
    return py::make_tuple(image.height(), image.width(), image.channels());
}

py::tuple stridesOf(const Image &image)
{
    if (image.channels() == 1)
        return py::make_tuple(image.yStride(), image.xStride());
    return py::make_tuple(image.yStride(), image.xStride(), static_cast<py::ssize_t>(image.componentSize()));
}

const char *typeCode(DType type)
{
    switch (type) {
    case DType::UInt8: return "u1";
    case DType::UInt16: return "u2";
    case DType::Float16: return "f2";
    case DType::Float32: return "f4";
    }
    return "u1";
}

const char *formatCode(DType type)
{
    switch (type) {
    case DType::UInt8: return "B";
    case DType::UInt16: return "H";
    case DType::Float16: return "e";
    case DType::Float32: return "f";
    }
    return "B";
}

} // namespace livepix::python
