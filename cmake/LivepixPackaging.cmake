# Desktop integration and the Debian package (./setup.sh package runs cpack).
#
# One package, "livepix": the app with its desktop entry (which lists the
# MIME types it opens) and icons, liblivepix_core, the headers and CMake
# package for plugin authors, the `livepix` Python package for Debian's
# python3 and the bundled plugins. Everything lives under /usr; the app, the
# Python extension and the plugins find liblivepix_core through relative
# RPATHs, so the same files also work unpacked anywhere (the package check
# runs them from a scratch folder).

# The desktop entry and icons are installed with the app (app/viewer/CMakeLists.txt).

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME livepix)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The project has no public mail address yet; whoever publishes the package
# sets theirs (lintian reports the placeholder as bogus-mail-host).
set(LIVEPIX_PACKAGE_MAINTAINER "livepix developers <livepix@localhost>"
    CACHE STRING "Maintainer field of the Debian package: Name <address>")
set(CPACK_PACKAGE_CONTACT "${LIVEPIX_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "image viewer for people who script their pixels")
# Debian wants the extended description in lines of at most 80 columns;
# CPack keeps these newlines and indents each continuation line.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "livepix shows images from one shared pixel buffer that an embedded Python\n"
    "console, NumPy, C++ and Python plugins edit in place; edits are on screen at\n"
    "the next frame. Includes the livepix Python module, python3 -m livepix batch\n"
    "(on Dask), the example plugins and the plugin SDK (headers and CMake package).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # livepix_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_STRIP_FILES ON) # RelWithDebInfo binaries: a quarter of the size without their debug info
# Libraries: from dpkg-shlibdeps (Qt, OpenImageIO, libpython...), which
# needs to be told that liblivepix_core comes with the package itself.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
# A shlibs file for liblivepix_core, so packages built against it get their
# dependency on livepix from dpkg-shlibdeps too.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
if(LIVEPIX_BUILD_PYTHON)
  # The extension module is built for this python3 (its ABI tag is in the
  # file name), and the console and livepix.Image need NumPy.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "python3 (>= ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}), python3 (<< ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}.99), python3-numpy")
  # Optional: batch runs (Dask), IPython/Jupyter attach, peers used by plugins and scripts.
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-dask, python3-distributed, python3-ipython, python3-pil")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-opencv, python3-skimage")
endif()
# dpkg runs ldconfig through this trigger (CPack's own postinst and postrm
# still call it too; harmless, and lintian only warns about it).
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/triggers ${PROJECT_BINARY_DIR}/debian/triggers COPYONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/triggers)
if(LIVEPIX_BUILD_PYTHON)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/prerm.in ${PROJECT_BINARY_DIR}/debian/prerm @ONLY)
  file(CHMOD ${PROJECT_BINARY_DIR}/debian/prerm FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/prerm)
endif()
# A native package's changelog (Debian policy 12.7): one entry per version,
# dated by the build (SOURCE_DATE_EPOCH makes it reproducible).
string(TIMESTAMP _lp_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${PROJECT_BINARY_DIR}/debian/changelog @ONLY)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz
  COMMAND sh -c "gzip -9nc debian/changelog > debian/changelog.gz"
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog VERBATIM)
add_custom_target(livepix_debian_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/debian/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
include(CPack)
