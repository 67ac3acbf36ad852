# Toolchain file: GNU Arm Embedded (Debian's gcc-arm-none-eabi), bare metal.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DHB_CPU=cortex-m4 ...
#
# HB_CPU picks the core and its float ABI: cortex-m0, cortex-m3 (no FPU, soft
# float), cortex-m4 (FPv4-SP), cortex-m7 (FPv5 double), cortex-m33 (FPv5-SP),
# cortex-m55 (Helium/MVE and FPU, -mfpu=auto). Only static libraries are built
# (nothing is linked here, so no startup code or linker script is needed).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_SIZE arm-none-eabi-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(HB_CPU "cortex-m4" CACHE STRING "Cortex-M core to build for")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES HB_CPU)

if(HB_CPU MATCHES "^cortex-m(0|0plus|3)$")
  set(_hb_fpu "-mfloat-abi=soft")
elseif(HB_CPU STREQUAL "cortex-m4")
  set(_hb_fpu "-mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(HB_CPU STREQUAL "cortex-m7")
  set(_hb_fpu "-mfloat-abi=hard -mfpu=fpv5-d16")
elseif(HB_CPU STREQUAL "cortex-m33")
  set(_hb_fpu "-mfloat-abi=hard -mfpu=fpv5-sp-d16")
elseif(HB_CPU STREQUAL "cortex-m55")
  set(_hb_fpu "-mfloat-abi=hard -mfpu=auto")
else()
  message(FATAL_ERROR "HB_CPU=${HB_CPU}: unknown core")
endif()

# Sections per function so a firmware link can drop what it does not call.
set(CMAKE_C_FLAGS_INIT "-mcpu=${HB_CPU} -mthumb ${_hb_fpu} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
set(CMAKE_ASM_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
