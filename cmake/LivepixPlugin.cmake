# livepix_add_plugin(): build a C++ livepix plugin.
#
#   livepix_add_plugin(<name> SOURCES <file>... [VERSION <v>] [DESCRIPTION <text>]
#                      [OUTPUT_DIRECTORY <dir>] [INSTALL_DESTINATION <dir>] [NO_INSTALL])
#
# Makes a MODULE library <name>.so linked to livepix::core, writes
# <OUTPUT_DIRECTORY>/<name>/{<name>.so,plugin.json} (plugin.json is produced
# after each build by livepix-plugin-manifest from the filters the code
# registers), and installs that folder to <INSTALL_DESTINATION>/<name>.
# Defaults: OUTPUT_DIRECTORY is <build>/lib/livepix/plugins in the livepix
# tree, <build>/plugins elsewhere (point LIVEPIX_PLUGIN_PATH at it);
# INSTALL_DESTINATION is ${LIVEPIX_PLUGIN_DESTINATION} if set, else the
# plugin folder of the livepix installation that was found.
#
#   livepix_add_python_plugin(<name> MANIFEST <plugin.json> FILES <file.py>...
#                             [OUTPUT_DIRECTORY <dir>] [INSTALL_DESTINATION <dir>])
#
# Copies a Python plugin (its manifest and files) into the same layout.
include_guard(GLOBAL)

function(_livepix_plugin_dirs name out_dir install_dir)
  if(ARG_OUTPUT_DIRECTORY)
    set(_out ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED LIVEPIX_PLUGIN_BUILD_DIR)
    set(_out ${LIVEPIX_PLUGIN_BUILD_DIR})
  else()
    set(_out ${CMAKE_BINARY_DIR}/plugins)
  endif()
  if(ARG_INSTALL_DESTINATION)
    set(_inst ${ARG_INSTALL_DESTINATION})
  elseif(LIVEPIX_PLUGIN_DESTINATION)
    set(_inst ${LIVEPIX_PLUGIN_DESTINATION})
  else()
    set(_inst ${LIVEPIX_PLUGIN_INSTALL_DIR})
  endif()
  set(${out_dir} ${_out}/${name} PARENT_SCOPE)
  set(${install_dir} ${_inst}/${name} PARENT_SCOPE)
endfunction()

function(livepix_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "VERSION;DESCRIPTION;OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "livepix_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT ARG_VERSION)
    set(ARG_VERSION ${PROJECT_VERSION})
    if(NOT ARG_VERSION)
      set(ARG_VERSION 0.0.0)
    endif()
  endif()
  _livepix_plugin_dirs(${name} _dir _install)

  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE livepix::core)
  target_compile_features(${name} PRIVATE cxx_std_17)
  # Only the two entry points need to be visible; hiding the rest keeps two
  # plugins' internal symbols from colliding.
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${_dir})
  set(_manifest_args --name ${name} --version ${ARG_VERSION})
  if(ARG_DESCRIPTION)
    list(APPEND _manifest_args --description "${ARG_DESCRIPTION}")
  endif()
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND $<TARGET_FILE:livepix::plugin_manifest> ${_manifest_args}
            $<TARGET_FILE:${name}> ${_dir}/plugin.json
    COMMENT "Writing the manifest of plugin ${name}"
    VERBATIM)
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${_install})
    install(FILES ${_dir}/plugin.json DESTINATION ${_install})
  endif()
endfunction()

function(livepix_add_python_plugin name)
  cmake_parse_arguments(ARG "" "MANIFEST;OUTPUT_DIRECTORY;INSTALL_DESTINATION" "FILES" ${ARGN})
  if(NOT ARG_MANIFEST OR NOT ARG_FILES)
    message(FATAL_ERROR "livepix_add_python_plugin(${name}): MANIFEST and FILES are required")
  endif()
  _livepix_plugin_dirs(${name} _dir _install)
  set(_outputs "")
  foreach(_file IN LISTS ARG_MANIFEST ARG_FILES)
    get_filename_component(_abs ${_file} ABSOLUTE)
    get_filename_component(_base ${_file} NAME)
    if(_file STREQUAL ARG_MANIFEST)
      set(_base plugin.json)
    endif()
    add_custom_command(OUTPUT ${_dir}/${_base}
      COMMAND ${CMAKE_COMMAND} -E copy ${_abs} ${_dir}/${_base}
      DEPENDS ${_abs} VERBATIM)
    list(APPEND _outputs ${_dir}/${_base})
    install(FILES ${_abs} DESTINATION ${_install} RENAME ${_base})
  endforeach()
  add_custom_target(${name} ALL DEPENDS ${_outputs})
endfunction()
