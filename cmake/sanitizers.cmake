# Sanitiser and fuzzing builds (scripts/sanitize.sh, scripts/fuzz.sh).
#
#   SCHAKEL_SANITIZE  "" (default), "address,undefined" or "thread": every
#                     target of the project, libraries included, is built and
#                     linked with these sanitisers. UBSan never recovers: the
#                     first finding aborts the test that hit it.
#   SCHAKEL_FUZZ      tests/fuzz as libFuzzer binaries (clang only); implies
#                     address,undefined unless SCHAKEL_SANITIZE says otherwise,
#                     and instruments every library for coverage.
option(SCHAKEL_FUZZ "Build tests/fuzz as libFuzzer targets (clang; implies ASan+UBSan)" OFF)
set(SCHAKEL_SANITIZE "" CACHE STRING "Sanitisers for every target: address,undefined or thread")

if(SCHAKEL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SCHAKEL_FUZZ needs clang (libFuzzer): configure with CXX=clang++-19")
  endif()
  if(SCHAKEL_SANITIZE STREQUAL "")
    set(SCHAKEL_SANITIZE "address,undefined")
  endif()
  # Coverage feedback for libFuzzer in every library; the fuzz targets link -fsanitize=fuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(NOT SCHAKEL_SANITIZE STREQUAL "")
  if(NOT SCHAKEL_SANITIZE MATCHES "^(address,undefined|undefined,address|address|undefined|thread)$")
    message(FATAL_ERROR "SCHAKEL_SANITIZE: \"${SCHAKEL_SANITIZE}\" is none of address,undefined / thread")
  endif()
  set(schakel_sanitize_flags -fsanitize=${SCHAKEL_SANITIZE} -fno-omit-frame-pointer -g)
  if(SCHAKEL_SANITIZE MATCHES "undefined")
    list(APPEND schakel_sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${schakel_sanitize_flags})
  add_link_options(-fsanitize=${SCHAKEL_SANITIZE})
  message(STATUS "schakel: sanitisers ${SCHAKEL_SANITIZE}")
endif()

# Warnings gate in the normal build. Sanitiser and fuzz builds keep them as
# warnings, shown in the build log: sanitisers change code generation and so
# g++'s flow warnings, and clang warns about more (e.g. an init-capture named
# like a structured binding). A sanitiser run never waits on a warning.
if(NOT SCHAKEL_SANITIZE STREQUAL "" OR CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(schakel_options INTERFACE -Wno-error)
endif()
