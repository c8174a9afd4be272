# ctest driver: `livepix --list-plugins` names every plugin with kind and
# version, and says why each skipped one was skipped (C++ and Python).
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "LIVEPIX_PLUGIN_PATH=${PLUGIN_PATH}" QT_QPA_PLATFORM=offscreen
          ${LIVEPIX} --list-plugins
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "livepix --list-plugins exited with ${rc}\n${err}")
endif()
set(expected
  "lp_testfilters +cpp +0\\.1\\.0 +loaded +Test Throw, Test Slow, Test Fill"
  "lp_wrongversion +cpp +0\\.1\\.0 +skipped +built for plugin API 999, this livepix has API 1"
  "lp_nosymbol +cpp +0\\.1\\.0 +skipped +missing symbol livepix_plugin_api_version"
  "lp_futureapi +cpp +9\\.0 +skipped +manifest declares plugin API 999"
  "lp_brokenjson +\\? +\\? +skipped +[^\n]*not valid JSON"
  "invert +cpp +1\\.0\\.0 +loaded +Invert")
if(WITH_PYTHON)
  list(APPEND expected
    "py_good +python +0\\.2 +loaded +Py Good"
    "py_syntaxerror +python +0\\.2 +skipped +syntaxerror\\.py, line 3: SyntaxError: invalid syntax"
    "py_importerror +python +0\\.2 +skipped +importerror\\.py, line 2: ModuleNotFoundError: No module named 'a_module_that_does_not_exist_anywhere'"
    "threshold +python +1\\.0\\.0 +loaded +Threshold")
endif()
foreach(line IN LISTS expected)
  if(NOT out MATCHES "${line}")
    message(FATAL_ERROR "missing from --list-plugins: ${line}\n${out}")
  endif()
endforeach()
# Skipped plugins are also reported on stderr.
if(NOT err MATCHES "plugin lp_nosymbol skipped: missing symbol")
  message(FATAL_ERROR "no report on stderr:\n${err}")
endif()
