# ctest driver for the out-of-tree plugin build (tests/plugins/CMakeLists.txt):
#   1. cmake --install the current build into WORK_DIR/prefix
#   2. configure + build this folder against it (find_package(livepix))
#   3. run the checker, which loads the new plugin and checks pixels
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer_test.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
if(NOT EXISTS ${prefix}/include/livepix/pluginapi.h)
  message(FATAL_ERROR "the install has no include/livepix/pluginapi.h")
endif()
# Only the install prefix: the consumer must not see the source or build tree.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
if(NOT EXISTS ${WORK_DIR}/build/plugins/brighten/plugin.json)
  message(FATAL_ERROR "livepix_add_plugin() wrote no plugin.json")
endif()
run(${WORK_DIR}/build/consumer_check)

# The installed app lists the new plugin from LIVEPIX_PLUGIN_PATH, as an
# author would check it (skipped when the app is not part of this build).
if(EXISTS ${prefix}/bin/livepix)
  run(${CMAKE_COMMAND} -E env LIVEPIX_PLUGIN_PATH=${WORK_DIR}/build/plugins QT_QPA_PLATFORM=offscreen
      ${prefix}/bin/livepix --list-plugins)
  if(NOT last_output MATCHES "brighten +cpp +0\\.3\\.0 +loaded +Brighten")
    message(FATAL_ERROR "livepix --list-plugins does not list brighten as loaded:\n${last_output}")
  endif()
endif()
