# The CI gate (issue 5): the CLI reads the gate metrics' one definition and
# their verdicts' JSON from the service's headers (hbs/result_metrics.h,
# hbs/gate_json.h; header-only), and the gate suite (tests/gate) drives real
# hilbenchd and hilbench processes.
target_include_directories(hilbench PRIVATE "${CMAKE_SOURCE_DIR}/server/include")
if(TARGET hb_gate_tests)
  add_dependencies(hb_gate_tests hilbenchd hilbench)
  if(TARGET hb_icount)
    add_dependencies(hb_gate_tests hb_icount)
  endif()
  if(TARGET hb_firmware)
    add_dependencies(hb_gate_tests hb_firmware)
  endif()
  set_tests_properties(gate PROPERTIES TIMEOUT 900 LABELS "gate;qemu")
endif()
