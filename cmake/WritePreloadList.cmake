# Writes the preload list of a shared library: the sonames of the libraries
# it needs, each after the ones it needs itself (ldd's load order, reversed),
# one per line. Core's preloadImageIO() maps them one at a time before the
# library itself (see src/imageio.cpp for why).
#
#   cmake -DLIBRARY=<path> -DOUTPUT=<path> -DSKIP=<regex> -P WritePreloadList.cmake
#
# SKIP: sonames left out (the process has them already, like liblivepix_core).
# Without ldd (or when it fails) the list is empty: the preload then maps
# everything with one dlopen, as it would without a list.
execute_process(COMMAND ldd "${LIBRARY}" OUTPUT_VARIABLE _ldd RESULT_VARIABLE _status ERROR_QUIET)
set(_sonames "")
if(_status EQUAL 0)
  string(REPLACE "\n" ";" _lines "${_ldd}")
  foreach(_line IN LISTS _lines)
    # "	libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)"; the
    # loader itself, the vDSO and what was not found have no "=> /".
    if(_line MATCHES "^[ \t]*([^ \t]+) => /")
      set(_soname "${CMAKE_MATCH_1}")
      if(NOT SKIP OR NOT _soname MATCHES "${SKIP}")
        list(PREPEND _sonames "${_soname}")
      endif()
    endif()
  endforeach()
endif()
list(JOIN _sonames "\n" _text)
file(WRITE "${OUTPUT}" "# Libraries ${LIBRARY} needs, in an order to map them one by one (written by the build).\n${_text}\n")
