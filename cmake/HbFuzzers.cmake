# libFuzzer targets, built by clang in their own tree and smoke-run by ctest.
#
# The fuzzers need clang and -fsanitize=fuzzer, while the main build uses the
# default compiler, so the main build adds an ExternalProject that configures
# this same source tree with HB_FUZZ=ON and clang into <build>/fuzz. Each
# tests/fuzz/fuzz_<name>.cc then gets a ctest test fuzz_<name> (label "fuzz")
# that runs it for HB_FUZZ_SECONDS on tests/fuzz/corpus/<name>/ (read only:
# new inputs go to a scratch corpus under <build>/fuzz). Longer runs by hand:
# see README.md, "Fuzzing".
include(ExternalProject)

set(HB_FUZZ_SECONDS 20 CACHE STRING "How long each fuzzer runs in its ctest smoke test (s)")

find_program(HB_CLANG clang)
find_program(HB_CLANGXX clang++)
file(GLOB _hb_fuzz_srcs CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.cc"
     "${CMAKE_SOURCE_DIR}/firmware-harness/protocol/fuzz_*.cc")

if(NOT HB_CLANG OR NOT HB_CLANGXX)
  message(WARNING "clang not found: fuzzers are off (scripts/bootstrap.sh installs it)")
  add_test(NAME fuzz_missing_clang COMMAND sh -c "echo 'SKIP: clang not installed'; exit 77")
  set_tests_properties(fuzz_missing_clang PROPERTIES SKIP_RETURN_CODE 77 LABELS fuzz)
  return()
endif()

set(_hb_fuzz_dir "${CMAKE_BINARY_DIR}/fuzz")
set(_hb_fuzz_bins)
foreach(src IN LISTS _hb_fuzz_srcs)
  get_filename_component(target "${src}" NAME_WE)
  list(APPEND _hb_fuzz_bins "${_hb_fuzz_dir}/${target}")
endforeach()

ExternalProject_Add(hb_fuzzers
  SOURCE_DIR "${CMAKE_SOURCE_DIR}"
  BINARY_DIR "${_hb_fuzz_dir}"
  CMAKE_GENERATOR Ninja
  CMAKE_ARGS -DHB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
             "-DCMAKE_C_COMPILER=${HB_CLANG}" "-DCMAKE_CXX_COMPILER=${HB_CLANGXX}"
  BUILD_COMMAND ${CMAKE_COMMAND} --build "${_hb_fuzz_dir}" --parallel 2 -- --quiet
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${_hb_fuzz_bins})

# A real plan as an extra seed for the plan loader, made by the CLI at test
# time (plans change with the compiler, so none is checked in).
set(_hb_plan_seeds "${_hb_fuzz_dir}/seed-plan_loader")
add_test(NAME fuzz_plan_loader_seed
         COMMAND sh -c "mkdir -p '${_hb_plan_seeds}' && '$<TARGET_FILE:hilbench>' model compile \
'${HB_SHARED_DIR}/models/kws_ref_model.tflite' -o '${_hb_plan_seeds}/kws_ref_model.plan'")
set_tests_properties(fuzz_plan_loader_seed PROPERTIES LABELS fuzz FIXTURES_SETUP hb_plan_seeds)

foreach(src IN LISTS _hb_fuzz_srcs)
  get_filename_component(target "${src}" NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name "${target}")
  add_test(NAME ${target}
           COMMAND "${CMAKE_SOURCE_DIR}/tests/fuzz/run_fuzzer.sh"
                   "${_hb_fuzz_dir}/${target}" "${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name}"
                   "${_hb_fuzz_dir}/corpus-${name}" ${HB_FUZZ_SECONDS} "${_hb_fuzz_dir}/seed-${name}")
  set_tests_properties(${target} PROPERTIES LABELS fuzz TIMEOUT 300)
  if(name STREQUAL "plan_loader")
    set_tests_properties(${target} PROPERTIES FIXTURES_REQUIRED hb_plan_seeds)
  endif()
endforeach()
