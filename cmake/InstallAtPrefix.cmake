# SPDX-License-Identifier: MIT
# msl_install_at_prefix(TEMPLATE DESTINATION [KEY VALUE]...) installs a
# text file whose contents name the install prefix: mailslot.pc and the
# systemd unit.  Each @KEY@ is replaced when CMake configures, and @PREFIX@
# when the file is installed, so `cmake --install --prefix P` writes P and
# not the prefix the tree was configured with.  DESTDIR is not part of
# @PREFIX@: a package stages into DESTDIR for the real prefix.  The file is
# installed with file(INSTALL), so that it is listed in
# install_manifest.txt and `make uninstall` removes it.  A relative
# DESTINATION is taken under the prefix.
function(msl_install_at_prefix template destination)
  file(READ ${template} text)
  set(pairs ${ARGN})
  while(pairs)
    list(POP_FRONT pairs key value)
    string(REPLACE "@${key}@" "${value}" text "${text}")
  endwhile()
  get_filename_component(name ${template} NAME)
  string(REGEX REPLACE "\\.in$" "" name ${name})
  set(stage ${CMAKE_CURRENT_BINARY_DIR}/at-prefix)
  file(WRITE ${stage}/${name}.in "${text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${template})
  if(NOT IS_ABSOLUTE "${destination}")
    set(destination "\${CMAKE_INSTALL_PREFIX}/${destination}")
  endif()
  install(CODE "
    file(READ \"${stage}/${name}.in\" text)
    string(REPLACE \"@PREFIX@\" \"\${CMAKE_INSTALL_PREFIX}\" text \"\${text}\")
    file(WRITE \"${stage}/${name}\" \"\${text}\")
    file(INSTALL DESTINATION \"${destination}\" TYPE FILE FILES \"${stage}/${name}\")
  ")
endfunction()
