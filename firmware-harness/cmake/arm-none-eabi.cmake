# Toolchain file for the harness firmware (firmware-harness/CMakeLists.txt):
# GNU Arm Embedded (Debian's gcc-arm-none-eabi 12.2), bare metal.
#
# Unlike the top-level cmake/arm-none-eabi.cmake (one core a configure, for the
# runtime library), this sets no -mcpu: one configure builds every board, and
# each board's targets carry their own core and float-ABI flags
# (hb_add_board in firmware-harness/CMakeLists.txt).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy)
set(CMAKE_SIZE arm-none-eabi-size)
set(CMAKE_NM arm-none-eabi-nm)

# No board flags yet at try-compile time: compile only, never link.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
