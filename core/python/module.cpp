// livepix._livepix: the compiled half of the `livepix` package. The pure-Python
// half (livepix/__init__.py) re-exports it and adds conveniences.
//
// This is the only place livepix::Image is registered with pybind11. The app's
// embedded console imports this same module and then converts with py::cast,
// so an Image made in C++ and one made in Python are the same Python type.
#include "bindings.h"

#include <livepix/pixelbuffer.h>

namespace py = pybind11;
using namespace livepix::python;

PYBIND11_MODULE(_livepix, m)
{
    m.doc() = "Compiled core of livepix: images in shared, strided pixel buffers.";

    ImageClass image = bindImage(m);
    bindArrayExport(image);
    bindDlpack(image);
    bindIO(m, image);
    bindData(m);
    bindHistory(m);
    bindSharing(m);

    // ---- Filters: the plugins work binds livepix.filters here. ----
#ifdef LIVEPIX_PYTHON_FILTERS
    bindFilters(m);
#endif

    m.def("_live_buffers", &livepix::PixelBuffer::liveCount,
          "Number of PixelBuffers alive in this process (for tests: proves that memory is freed, "
          "or kept while a view still uses it).");
}
