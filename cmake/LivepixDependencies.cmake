# Finds what livepix_core needs. Shared by the build and by the installed
# livepixConfig.cmake, so an out-of-tree plugin gets the same fixes.
include(CMakeFindDependencyMacro)

find_package(OpenImageIO CONFIG REQUIRED)
# Debian 12's OpenImageIO config lists /usr/include/opencv4 even when OpenCV is
# not installed, and CMake then refuses to generate. Keep only existing dirs.
if(TARGET OpenImageIO::OpenImageIO)
  get_target_property(_lp_oiio_inc OpenImageIO::OpenImageIO INTERFACE_INCLUDE_DIRECTORIES)
  if(_lp_oiio_inc)
    set(_lp_keep "")
    foreach(_lp_dir IN LISTS _lp_oiio_inc)
      if(_lp_dir MATCHES "^\\$<" OR EXISTS "${_lp_dir}")
        list(APPEND _lp_keep "${_lp_dir}")
      endif()
    endforeach()
    set_target_properties(OpenImageIO::OpenImageIO PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${_lp_keep}")
  endif()
endif()
find_package(Imath CONFIG REQUIRED)
