// livepix._share, _map_shared, _buffer_state and the client-side write
// watch: what livepix.attach (the `livepix.connect()` client) and the app's
// attach server need to hand pixel memory from one process to another. Not
// public API: the names start with an underscore; docs/ATTACH.md describes
// the behaviour built on them.
#include "bindings.h"

#include <livepix/writetracker.h>

#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace livepix::python {

using namespace pybind11::literals;

namespace {

/// The descriptor of `image` as the attach protocol sends it, plus a new
/// descriptor of its memfd ("fd", the caller's to close or send).
py::dict shareImage(const Image &image)
{
    if (image.isNull())
        throw py::value_error("cannot share a null image");
    const PixelBufferPtr &buffer = image.buffer();
    int fd = -1;
    {
        py::gil_scoped_release release; // the copy into the memfd may take a while
        fd = ::dup(buffer->shareMemory());
    }
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "dup of the shared pixel memory");
    return py::dict("fd"_a = fd, "buffer"_a = reinterpret_cast<std::uintptr_t>(buffer->data()),
                    "size"_a = buffer->size(), "capacity"_a = buffer->capacity(), "offset"_a = image.offset(),
                    "width"_a = image.width(), "height"_a = image.height(), "channels"_a = image.channels(),
                    "dtype"_a = dtypeName(image.dtype()), "x_stride"_a = image.xStride(),
                    "y_stride"_a = image.yStride());
}

/// Maps a memfd received from another process and wraps it as an image;
/// every size is checked by PixelBuffer::mapShared and Image::wrap.
Image mapShared(int fd, std::size_t size, std::size_t capacity, std::size_t offset, int width, int height,
                int channels, const std::string &dtype, std::ptrdiff_t xStride, std::ptrdiff_t yStride)
{
    DType type;
    try {
        type = parseDType(dtype);
    } catch (...) {
        ::close(fd);
        throw;
    }
    PixelBufferPtr buffer = PixelBuffer::mapShared(fd, size, capacity);
    return Image::wrap(std::move(buffer), offset, width, height, channels, type, xStride, yStride);
}

WriteTracker *trackerOf(const Image &image)
{
    if (image.isNull())
        throw py::value_error("null image");
    return image.buffer()->writeTracker();
}

} // namespace

void bindSharing(py::module_ &m)
{
    m.def("_share", &shareImage, "image"_a,
          "Puts the image's buffer in shared memory (once; same address) and returns its descriptor with "
          "a new file descriptor of the memfd under 'fd'.");
    m.def("_map_shared", &mapShared, "fd"_a, "size"_a, "capacity"_a, "offset"_a, "width"_a, "height"_a,
          "channels"_a, "dtype"_a, "x_stride"_a, "y_stride"_a,
          "Maps a shared pixel buffer received from another process (takes ownership of fd).");
    m.def(
        "_buffer_state",
        [](const Image &image) {
            if (image.isNull())
                throw py::value_error("null image");
            const PixelBufferPtr &buffer = image.buffer();
            return py::make_tuple(reinterpret_cast<std::uintptr_t>(buffer->data()), buffer->revision(),
                                  buffer->isShared());
        },
        "image"_a, "(buffer address, revision, shared) of the image's buffer.");
    m.def(
        "_watch_writes",
        [](const Image &image) {
            if (image.isNull())
                throw py::value_error("null image");
            image.buffer()->enableWriteTracking();
        },
        "image"_a, "Tracks writes into the image's buffer in this process (revision bumps on writes).");
    m.def(
        "_rearm_writes",
        [](const Image &image) {
            if (WriteTracker *tracker = trackerOf(image))
                tracker->rearm();
        },
        "image"_a, "Protects the chunks written since the last call again, so later writes are seen.");
    m.def(
        "_unprotect_writes",
        [](const Image &image, const std::string &reason) {
            py::gil_scoped_release release;
            trackerOf(image); // null check
            if (WriteTracker *tracker = image.buffer()->writeTracker())
                tracker->unprotectAll(reason);
        },
        "image"_a, "reason"_a,
        "Writes the tracker could not see happened (another process): the open unit is not undoable.");
    m.def(
        "_view_of",
        [](const Image &image, std::size_t offset, int width, int height, int channels, const std::string &dtype,
           std::ptrdiff_t xStride, std::ptrdiff_t yStride) {
            if (image.isNull())
                throw py::value_error("null image");
            return Image::wrap(image.buffer(), offset, width, height, channels, parseDType(dtype), xStride,
                               yStride);
        },
        "image"_a, "offset"_a, "width"_a, "height"_a, "channels"_a, "dtype"_a, "x_stride"_a, "y_stride"_a,
        "Another view of the same buffer (checked like Image.view).");
    m.def(
        "_take_written_bytes",
        [](const Image &image) -> std::size_t {
            WriteTracker *tracker = trackerOf(image);
            if (!tracker)
                return 0;
            WriteStep step;
            {
                py::gil_scoped_release release;
                step = tracker->takeChanges();
            }
            return step.bytes();
        },
        "image"_a, "Bytes changed (whole pages) since the last call; 0 when writes changed nothing.");
}

} // namespace livepix::python
