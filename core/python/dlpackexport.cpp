// __dlpack__ / __dlpack_device__ for livepix.Image, so np.from_dlpack(img)
// (and torch.from_dlpack...) view the image's memory without a copy.
//
// The capsule carries a DLManagedTensor whose manager context owns a
// shared_ptr to the PixelBuffer: the consumer calls the deleter when its array
// dies, and only then is the buffer reference dropped.
#include "bindings.h"
#include "dlpack.h"

#include <livepix/pixelbuffer.h>

#include <pybind11/stl.h>

#include <optional>

namespace livepix::python {

namespace {

/// Owns everything the DLManagedTensor points to.
struct DlpackExport {
    DLManagedTensor tensor{};
    PixelBufferPtr buffer;
    int64_t shape[3] = {0, 0, 0};
    int64_t strides[3] = {0, 0, 0};
};

void deleteExport(DLManagedTensor *tensor)
{
    delete static_cast<DlpackExport *>(tensor->manager_ctx);
}

// Runs when the capsule object dies. A consumer that took ownership renamed
// it "used_dltensor" and will call the deleter itself.
extern "C" void capsuleDestructor(PyObject *capsule)
{
    if (!PyCapsule_IsValid(capsule, "dltensor"))
        return;
    // Keep any exception that is being raised while the capsule dies.
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    auto *tensor = static_cast<DLManagedTensor *>(PyCapsule_GetPointer(capsule, "dltensor"));
    if (tensor && tensor->deleter)
        tensor->deleter(tensor);
    PyErr_Restore(type, value, traceback);
}

DLDataType dlType(DType type)
{
    switch (type) {
    case DType::UInt8: return {kDLUInt, 8, 1};
    case DType::UInt16: return {kDLUInt, 16, 1};
    case DType::Float16: return {kDLFloat, 16, 1};
    case DType::Float32: return {kDLFloat, 32, 1};
    }
    return {kDLUInt, 8, 1};
}

py::capsule exportImage(const Image &image)
{
    const auto itemsize = static_cast<std::ptrdiff_t>(image.componentSize());
    if (image.xStride() % itemsize != 0 || image.yStride() % itemsize != 0)
        throw py::buffer_error("DLPack needs strides that are whole elements");
    auto exported = std::make_unique<DlpackExport>();
    exported->buffer = image.buffer();
    const int ndim = image.channels() == 1 ? 2 : 3;
    exported->shape[0] = image.height();
    exported->shape[1] = image.width();
    exported->shape[2] = image.channels();
    exported->strides[0] = image.yStride() / itemsize;
    exported->strides[1] = image.xStride() / itemsize;
    exported->strides[2] = 1;

    DLTensor &t = exported->tensor.dl_tensor;
    t.data = image.buffer()->data();
    t.byte_offset = image.offset();
    t.device = {kDLCPU, 0};
    t.ndim = ndim;
    t.dtype = dlType(image.dtype());
    t.shape = exported->shape;
    t.strides = exported->strides;
    exported->tensor.manager_ctx = exported.get();
    exported->tensor.deleter = &deleteExport;

    DLManagedTensor *tensor = &exported->tensor;
    PyObject *capsule = PyCapsule_New(tensor, "dltensor", &capsuleDestructor);
    if (!capsule)
        throw py::error_already_set(); // `exported` still owns everything
    exported.release();
    return py::reinterpret_steal<py::capsule>(capsule);
}

} // namespace

void bindDlpack(ImageClass &cls)
{
    using namespace pybind11::literals;
    cls.def(
        "__dlpack__",
        [](const Image &image, py::object stream, py::object maxVersion, py::object dlDevice,
           std::optional<bool> copy) {
            (void)maxVersion; // we produce the unversioned capsule, which every consumer still accepts
            if (image.isNull())
                throw py::buffer_error("empty image has no pixels to export");
            if (!stream.is_none())
                throw py::buffer_error("livepix images live in CPU memory: stream must be None");
            if (!dlDevice.is_none()) {
                auto device = dlDevice.cast<std::pair<int, int>>();
                if (device.first != kDLCPU)
                    throw py::buffer_error("livepix images live in CPU memory (device type 1)");
            }
            if (copy.value_or(false))
                return exportImage(image.copy());
            // Like NumPy's own __dlpack__: DLPack 0.x cannot say "read-only".
            if (image.readOnly())
                throw py::buffer_error("cannot export a read-only image through DLPack, which has no read-only "
                                       "flag; use np.asarray(img) (read-only array) or copy=True");
            return exportImage(image);
        },
        py::kw_only(), "stream"_a = py::none(), "max_version"_a = py::none(), "dl_device"_a = py::none(),
        "copy"_a = py::none(),
        "DLPack capsule viewing this image's memory (np.from_dlpack(img) is zero-copy).");
    cls.def(
        "__dlpack_device__", [](const Image &) { return py::make_tuple(static_cast<int>(kDLCPU), 0); },
        "(device type, device id): always (1, 0), the CPU.");
}

} // namespace livepix::python
