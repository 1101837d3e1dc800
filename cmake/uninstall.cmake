# SPDX-License-Identifier: MIT
# [DESTDIR=D] cmake -DMANIFEST=build/install_manifest.txt -P cmake/uninstall.cmake:
# remove every file the last install of that tree wrote, then the
# directories named after the project, once they are empty.
# Shared directories (bin, lib, share/man/man1, ...) stay even when empty:
# other software may expect them.
if(NOT DEFINED MANIFEST OR NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "no install manifest '${MANIFEST}': nothing was installed from this tree")
endif()
# The manifest lists installed paths without DESTDIR; a staged install is
# removed from the same DESTDIR.
file(STRINGS "${MANIFEST}" files)
set(dirs "")
foreach(f IN LISTS files)
  set(f "$ENV{DESTDIR}${f}")
  if(EXISTS "${f}" OR IS_SYMLINK "${f}")
    message(STATUS "Removing: ${f}")
    file(REMOVE "${f}")
  endif()
  # The directories up to the nearest one named "mailslot"
  # (include/mailslot/compat, lib/cmake/mailslot, share/doc/mailslot).
  set(chain "")
  get_filename_component(d "${f}" DIRECTORY)
  while(NOT d STREQUAL "/" AND NOT d STREQUAL "")
    list(APPEND chain "${d}")
    get_filename_component(base "${d}" NAME)
    if(base STREQUAL "mailslot")
      list(APPEND dirs ${chain})
      break()
    endif()
    get_filename_component(d "${d}" DIRECTORY)
  endwhile()
endforeach()
list(REMOVE_DUPLICATES dirs)
list(SORT dirs)
list(REVERSE dirs)
foreach(d IN LISTS dirs)
  file(GLOB left "${d}/*" "${d}/.*")
  if(IS_DIRECTORY "${d}" AND NOT left)
    message(STATUS "Removing: ${d}/")
    file(REMOVE_RECURSE "${d}")
  endif()
endforeach()
