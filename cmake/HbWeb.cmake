# The dashboard's browser test (tests/web/dashboard.mjs): Playwright drives
# Debian's Chromium against this tree's hilbenchd in local mode (emulated QEMU
# boards). It builds the dashboard (web/build.mjs) into <build>/web-dist,
# keeps its daemon state in <build>/web-test and writes screenshots to
# <build>/web-screenshots. Exit 77 (skipped, with the reason) when Chromium,
# QEMU or the npm packages (scripts/bootstrap.sh) are missing.
#
# Not in the sanitizer tree: the daemon under test is the same code, and the
# browser, not the daemon, is what this test exercises.
if(HB_SANITIZE)
  return()
endif()

find_program(HB_NODE node)
if(HB_NODE)
  add_test(NAME web_dashboard
           COMMAND "${HB_NODE}" "${CMAKE_SOURCE_DIR}/tests/web/dashboard.mjs"
                   --hilbenchd $<TARGET_FILE:hilbenchd> --build "${CMAKE_BINARY_DIR}")
else()
  add_test(NAME web_dashboard
           COMMAND sh -c "echo 'web_dashboard: SKIP: node not found'; exit 77")
endif()
set_tests_properties(web_dashboard PROPERTIES
  ENVIRONMENT "${HB_TEST_ENV}" LABELS "web;qemu" TIMEOUT 300 SKIP_RETURN_CODE 77)
