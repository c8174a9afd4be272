# Installs the build tree into a scratch prefix and imports the installed
# package with a plain interpreter: proves the package layout and that the
# extension's RPATH finds the installed liblivepix_core with no path settings.
# cmake -DBUILD_DIR=... -DPREFIX=... -DPYTHON=... -DPYTHON_DIR=... [-DPRELOAD=...] -P check_install.cmake
# PRELOAD: LD_PRELOAD for the interpreter alone (a sanitizer runtime that an
# instrumented extension needs); cmake itself must not run under it.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
set(code [[
import sys, numpy as np, livepix
prefix = sys.argv[1]
assert livepix.__file__.startswith(prefix), livepix.__file__
assert livepix._livepix.__file__.startswith(prefix), livepix._livepix.__file__
img = livepix.Image(3, 2, 1, "uint16")
np.asarray(img)[1, 2] = 513
assert bytes(img)[10:12] == (513).to_bytes(2, sys.byteorder)
import livepix.batch  # a subpackage: installed in its own folder (imports no Dask)
assert livepix.batch.__file__.startswith(prefix), livepix.batch.__file__
print("installed livepix OK:", livepix.__file__)
]])
set(preload "")
if(PRELOAD)
  set(preload "LD_PRELOAD=${PRELOAD}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env --unset=LD_LIBRARY_PATH "PYTHONPATH=${PREFIX}/${PYTHON_DIR}" ${preload}
          "${PYTHON}" -c "${code}" "${PREFIX}"
  WORKING_DIRECTORY "${PREFIX}"
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "importing the installed package failed (${rc})")
endif()
file(REMOVE_RECURSE "${PREFIX}")
