# boot2.cmake: hb_rp2040_boot2(<out.c>) builds boot2.c as its own ELF linked
# at 0x20041F00, extracts the bytes and generates <out.c> (the checksummed
# 256-byte stage in section .boot2) for the rpi-pico board library.
function(hb_rp2040_boot2 out_c)
  set(dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  add_executable(rp2040_boot2 ${dir}/boot2.c)
  target_compile_options(rp2040_boot2 PRIVATE -mcpu=cortex-m0plus -mthumb -Os -Wall -Wextra
    -Werror -fno-tree-loop-im)
  target_link_options(rp2040_boot2 PRIVATE -mcpu=cortex-m0plus -mthumb -nostdlib
    -T${dir}/boot2.ld)
  set_target_properties(rp2040_boot2 PROPERTIES SUFFIX .elf C_STANDARD 11
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/rpi-pico LINK_DEPENDS ${dir}/boot2.ld)
  set(bin ${CMAKE_BINARY_DIR}/rpi-pico/boot2.bin)
  add_custom_command(OUTPUT ${out_c}
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:rp2040_boot2> ${bin}
    COMMAND ${Python3_EXECUTABLE} ${dir}/boot2_pad.py ${bin} ${out_c}
    DEPENDS rp2040_boot2 ${dir}/boot2_pad.py VERBATIM)
endfunction()
