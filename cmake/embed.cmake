# embed_files(OUT SYMBOL ITEM...) generates OUT, a C file defining
#   const struct embedded_file SYMBOL[]  (name, data, len)
# terminated by a {NULL} entry; see src/util/embedded.h. An ITEM is a file
# path, embedded under its base name, or NAME=PATH, embedded under NAME
# (e.g. "postgres/0001_core.sql=/src/.../0001_core.sql", so that files of
# one base name in two directories do not collide).
function(embed_files out symbol)
  string(REPLACE ";" "|" files "${ARGN}")
  set(deps "")
  foreach(item IN LISTS ARGN)
    string(REGEX REPLACE "^[^=]*=" "" path "${item}")
    list(APPEND deps ${path})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${deps} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${symbol}" VERBATIM)
endfunction()

# embed_web(OUT SYMBOL BASE FILE...) generates OUT, a C file defining
#   const struct web_asset SYMBOL[]  (path relative to BASE, data, len,
#   content type, ETag) sorted by path and terminated by a {NULL} entry;
# see src/http/static.h. An extension without a known content type stops
# the build (add it to cmake/embed_web_run.cmake).
function(embed_web out symbol base)
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DBASE=${base}
            "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_web_run.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/embed_web_run.cmake
    COMMENT "Embedding ${symbol}" VERBATIM)
endfunction()
