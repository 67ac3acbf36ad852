# Cortex-M builds of the runtime, from the same sources as the host build.
#
# For each core in HB_CROSS_VARIANTS ("<cpu>:<opt>"), an ExternalProject
# configures firmware-harness/runtime with cmake/arm-none-eabi.cmake and
# -Wall -Wextra -Werror into <build>/cross/<cpu>-<opt>/libhb_runtime.a, then
# writes `arm-none-eabi-size -t` of the archive to size.txt beside it (read by
# scripts/bench-model.sh) and prints its total. Each variant is also a ctest
# test (label "cross") that checks the archive's outside symbols.
#
# Missing toolchain: one test that skips loudly with the reason.
include(ExternalProject)

# The harness firmware (firmware-harness/CMakeLists.txt) already compiles the
# runtime with -Werror at -O2 for M0, M0+, M3, M4, M7 and M55; these add the
# core it does not have (M33) and -Os builds of the smallest and the
# reference-board core. Code size is measured by scripts/bench-codesize.sh.
set(HB_CROSS_VARIANTS
  cortex-m0:Os cortex-m4:Os cortex-m33:Os
  CACHE STRING "Cortex-M runtime builds, <cpu>:<Os|O2>")

find_program(HB_ARM_GCC arm-none-eabi-gcc)
find_program(HB_ARM_SIZE arm-none-eabi-size)
find_program(HB_ARM_NM arm-none-eabi-nm)
if(NOT HB_ARM_GCC OR NOT HB_ARM_SIZE OR NOT HB_ARM_NM)
  message(WARNING "arm-none-eabi-gcc/size/nm not found: Cortex-M builds are off "
                  "(scripts/bootstrap.sh installs them)")
  add_test(NAME cross_build_missing_toolchain
           COMMAND sh -c "echo 'SKIP: arm-none-eabi toolchain not installed'; exit 77")
  set_tests_properties(cross_build_missing_toolchain PROPERTIES SKIP_RETURN_CODE 77 LABELS cross)
  return()
endif()

set(_hb_cross_all)
foreach(variant IN LISTS HB_CROSS_VARIANTS)
  string(REPLACE ":" ";" parts "${variant}")
  list(GET parts 0 cpu)
  list(GET parts 1 opt)
  set(name "${cpu}-${opt}")
  set(dir "${CMAKE_BINARY_DIR}/cross/${name}")
  if(opt STREQUAL "Os")
    set(opt_args -DCMAKE_BUILD_TYPE=MinSizeRel)
  elseif(opt STREQUAL "O2")
    set(opt_args -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG")
  else()
    message(FATAL_ERROR "HB_CROSS_VARIANTS: ${variant}: optimisation must be Os or O2")
  endif()

  ExternalProject_Add(hb_runtime_${name}
    SOURCE_DIR "${CMAKE_SOURCE_DIR}/firmware-harness/runtime"
    BINARY_DIR "${dir}"
    CMAKE_GENERATOR Ninja
    CMAKE_ARGS
      "-DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/arm-none-eabi.cmake"
      -DHB_CPU=${cpu} -DHB_WERROR=ON ${opt_args}
    # Two jobs, one variant at a time (console pool): the machine has 2 cores.
    BUILD_COMMAND ${CMAKE_COMMAND} --build "${dir}" --parallel 2 -- --quiet
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD ON
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS "${dir}/libhb_runtime.a")
  ExternalProject_Add_Step(hb_runtime_${name} size
    COMMAND sh -c "'${HB_ARM_SIZE}' -t libhb_runtime.a > size.txt && \
echo \"hb_runtime ${cpu} -${opt}: $(tail -n 1 size.txt | awk '{print \"text \" $1 \" data \" $2 \" bss \" $3}') bytes\""
    WORKING_DIRECTORY "${dir}"
    DEPENDEES build
    ALWAYS ON)
  list(APPEND _hb_cross_all hb_runtime_${name})

  add_test(NAME cross_${name}_symbols
           COMMAND "${CMAKE_SOURCE_DIR}/tests/cross/check_runtime_symbols.sh"
                   "${HB_ARM_NM}" "${dir}/libhb_runtime.a")
  set_tests_properties(cross_${name}_symbols PROPERTIES LABELS cross)
endforeach()

add_custom_target(hb_cross DEPENDS ${_hb_cross_all})
