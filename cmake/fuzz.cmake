# libFuzzer targets. libFuzzer needs clang while the host project's compiler is gcc, so each
# fuzzer is one clang command over its target and the sources it names, registered as a ctest
# test that runs for a bounded time on its committed seed corpus.

find_program(CLANG clang)
set(NP_FUZZ_SKIP "")
if(NOT CLANG)
  set(NP_FUZZ_SKIP "clang not found")
else()
  # clang alone is not enough: libFuzzer's runtime (libclang-rt-*-dev) must be installed too.
  set(probe ${CMAKE_BINARY_DIR}/fuzz-probe.c)
  file(WRITE ${probe} "#include <stddef.h>\n#include <stdint.h>\n"
       "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
  execute_process(COMMAND ${CLANG} -fsanitize=fuzzer,address,undefined ${probe}
                          -o ${CMAKE_BINARY_DIR}/fuzz-probe
                  RESULT_VARIABLE probe_failed OUTPUT_QUIET ERROR_QUIET)
  if(probe_failed)
    set(NP_FUZZ_SKIP "${CLANG} cannot link -fsanitize=fuzzer (no libclang-rt?)")
  endif()
endif()
if(NP_FUZZ_SKIP)
  message(WARNING "netplant: ${NP_FUZZ_SKIP}; the fuzz tests will be skipped")
endif()

set(NP_FUZZ_FLAGS -std=gnu11 -g -O1 -fno-omit-frame-pointer
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
    ${NETPLANT_WARNINGS} -I${CMAKE_SOURCE_DIR})
file(GLOB NP_FUZZ_HEADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kernel/*.h
     ${CMAKE_SOURCE_DIR}/drivers/*/*.h ${CMAKE_SOURCE_DIR}/tests/*/*.h)

# np_add_fuzzer(NAME MAX_LEN SOURCES...): fuzz_NAME.c in the calling folder plus SOURCES,
# seeds in corpus/NAME/. A fuzzer that cannot be built reports itself skipped (exit 77).
function(np_add_fuzzer name max_len)
  if(NP_FUZZ_SKIP)
    add_test(NAME fuzz.${name} COMMAND sh -c "echo 'SKIP: fuzz.${name}: ${NP_FUZZ_SKIP}'; exit 77")
    set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz SKIP_RETURN_CODE 77)
    return()
  endif()
  set(exe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_${name}.c)
  add_custom_command(OUTPUT ${exe}
    COMMAND ${CLANG} ${NP_FUZZ_FLAGS} -o ${exe} ${src} ${ARGN}
    DEPENDS ${src} ${ARGN} ${NP_FUZZ_HEADERS}
    COMMENT "clang libFuzzer: fuzz_${name}"
    VERBATIM)
  add_custom_target(build_fuzz_${name} ALL DEPENDS ${exe})   # not fuzz_NAME: Ninja would clash
  # New inputs go to the build's corpus (first directory), never into the committed seeds;
  # crash-* files land in the working directory.
  set(work ${CMAKE_CURRENT_BINARY_DIR}/work/${name})
  file(MAKE_DIRECTORY ${work}/corpus)
  add_test(NAME fuzz.${name}
           COMMAND ${exe} -max_total_time=15 -timeout=5 -max_len=${max_len}
                   -artifact_prefix=${work}/ ${work}/corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name}
           WORKING_DIRECTORY ${work})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 60)
endfunction()
