// Catch2's main, alone in its translation unit: it takes ~30 s to compile, so it is
// compiled once and linked into every test binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
