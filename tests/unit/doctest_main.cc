// The one main() of the unit-test binary; the tests live beside their code.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
