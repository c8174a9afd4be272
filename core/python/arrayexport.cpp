// The Python buffer protocol and __array_interface__ for livepix.Image.
//
// Lifetime rule (DESIGN.md): every exported view holds a reference to the
// PixelBuffer itself, not only to the Python Image object, so the bytes stay
// valid for as long as any memoryview, PIL image or NumPy array uses them,
// whatever happens to the Image that exported them.
//
// pybind11's own def_buffer cannot do this (its buffer_info has no owner) and
// it hands out strided memory even to consumers that did not ask for strides,
// so the Image type gets hand-written buffer slots instead.
#include "bindings.h"

#include <livepix/pixelbuffer.h>

#include <memory>

namespace livepix::python {

namespace {

/// What one Py_buffer export owns; freed by bf_releasebuffer.
struct BufferExport {
    PixelBufferPtr buffer; // keeps the bytes alive while the consumer holds the view
    Py_ssize_t shape[3] = {0, 0, 0};
    Py_ssize_t strides[3] = {0, 0, 0};
};

bool isCContiguous(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides, Py_ssize_t itemsize)
{
    Py_ssize_t expected = itemsize;
    for (int d = ndim - 1; d >= 0; --d) {
        if (shape[d] != 1 && strides[d] != expected)
            return false;
        expected *= shape[d];
    }
    return true;
}

bool isFContiguous(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides, Py_ssize_t itemsize)
{
    Py_ssize_t expected = itemsize;
    for (int d = 0; d < ndim; ++d) {
        if (shape[d] != 1 && strides[d] != expected)
            return false;
        expected *= shape[d];
    }
    return true;
}

int fail(Py_buffer *view, const char *message)
{
    view->obj = nullptr;
    PyErr_SetString(PyExc_BufferError, message);
    return -1;
}

extern "C" int imageGetBuffer(PyObject *object, Py_buffer *view, int flags)
{
    if (!view) {
        PyErr_SetString(PyExc_BufferError, "livepix.Image: NULL Py_buffer");
        return -1;
    }
    const Image *image = nullptr;
    try {
        py::detail::make_caster<Image> caster;
        if (caster.load(object, false))
            image = &py::detail::cast_op<const Image &>(caster);
    } catch (...) {
        image = nullptr;
    }
    if (!image || image->isNull())
        return fail(view, "livepix.Image: no pixels to export");
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && image->readOnly())
        return fail(view, "livepix.Image is read-only: a writable buffer was requested");

    auto exported = std::make_unique<BufferExport>();
    exported->buffer = image->buffer();
    const int ndim = image->channels() == 1 ? 2 : 3;
    const auto itemsize = static_cast<Py_ssize_t>(image->componentSize());
    exported->shape[0] = image->height();
    exported->shape[1] = image->width();
    exported->shape[2] = image->channels();
    exported->strides[0] = image->yStride();
    exported->strides[1] = image->xStride();
    exported->strides[2] = itemsize;
    const Py_ssize_t count = static_cast<Py_ssize_t>(image->width()) * image->height() * image->channels();
    const bool cContiguous = isCContiguous(ndim, exported->shape, exported->strides, itemsize);
    const bool fContiguous = isFContiguous(ndim, exported->shape, exported->strides, itemsize);

    view->buf = image->data();
    view->readonly = image->readOnly() ? 1 : 0;
    view->suboffsets = nullptr;

    if ((flags & PyBUF_ND) != PyBUF_ND) {
        // A plain byte request (PyBUF_SIMPLE), as PIL.Image.frombuffer makes:
        // the consumer addresses the bytes itself, with the row stride it was
        // given. Offer the rows with their padding: height * row stride bytes
        // (clipped to the end of the allocation for a crop at the bottom).
        Py_ssize_t length = count * itemsize;
        if (!cContiguous) {
            const Py_ssize_t pixelBytes = image->channels() * itemsize;
            const bool rowByRow = image->xStride() == pixelBytes && image->yStride() >= pixelBytes * image->width();
            if (!rowByRow)
                return fail(view, "livepix.Image: this image is not stored row by row (channel view or negative "
                                  "strides), so it has no plain byte layout; use memoryview(img) or "
                                  "np.asarray(img), which carry strides, or img.copy()");
            const auto available = static_cast<Py_ssize_t>(image->buffer()->size() - image->offset());
            length = std::min<Py_ssize_t>(static_cast<Py_ssize_t>(image->height()) * image->yStride(), available);
        }
        view->len = length;
        view->itemsize = 1;
        view->ndim = 1;
        view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char *>("B") : nullptr;
        view->shape = nullptr;
        view->strides = nullptr;
    } else {
        if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !cContiguous)
            return fail(view, "livepix.Image is not C-contiguous (rows are padded); use img.copy() first "
                              "or request strides");
        if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !fContiguous)
            return fail(view, "livepix.Image is not Fortran-contiguous");
        if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !cContiguous && !fContiguous)
            return fail(view, "livepix.Image is not contiguous (rows are padded)");
        const bool wantStrides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
        if (!wantStrides && !cContiguous)
            return fail(view, "livepix.Image is not C-contiguous (rows are padded): request strides "
                              "(memoryview(img) and NumPy do)");
        view->len = count * itemsize;
        view->itemsize = itemsize;
        view->ndim = ndim;
        view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char *>(formatCode(image->dtype()))
                                                              : nullptr;
        view->shape = exported->shape;
        view->strides = wantStrides ? exported->strides : nullptr;
    }
    view->internal = exported.release();
    view->obj = object;
    Py_INCREF(object);
    return 0;
}

extern "C" void imageReleaseBuffer(PyObject *, Py_buffer *view)
{
    delete static_cast<BufferExport *>(view->internal);
    view->internal = nullptr;
}

bool littleEndian()
{
    const std::uint16_t probe = 1;
    return *reinterpret_cast<const std::uint8_t *>(&probe) == 1;
}

py::dict arrayInterface(const Image &image)
{
    if (image.isNull())
        throw py::value_error("empty image has no array interface");
    const std::string order = image.dtype() == DType::UInt8 ? "|" : (littleEndian() ? "<" : ">");
    py::dict interface;
    interface["version"] = 3;
    interface["shape"] = shapeOf(image);
    interface["typestr"] = order + typeCode(image.dtype());
    interface["data"] = py::make_tuple(reinterpret_cast<std::uintptr_t>(image.data()), image.readOnly());
    interface["strides"] = stridesOf(image);
    return interface;
}

} // namespace

void bindArrayExport(ImageClass &cls)
{
    py::handle imageType = cls;
    // py::buffer_protocol() made tp_as_buffer point at the heap type's own
    // slot table; replace pybind11's generic slots with ours.
    auto *heapType = reinterpret_cast<PyHeapTypeObject *>(imageType.ptr());
    heapType->as_buffer.bf_getbuffer = imageGetBuffer;
    heapType->as_buffer.bf_releasebuffer = imageReleaseBuffer;

    cls.def_property_readonly("__array_interface__", &arrayInterface,
                              "NumPy array interface (version 3) over the image's memory. NumPy keeps the "
                              "object that exposes it as the array's base, which keeps the pixels alive.");
}

} // namespace livepix::python
