// quantity_fuzz.cpp — libFuzzer target: any text either fails to parse as a quantity or
// parses to one whose canonical form is a fixed point (it parses back to the same value
// and prints the same), and whose arithmetic with itself holds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/api/quantity.h"

using kubepp::api::Quantity;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto q = Quantity::parse(text);
  if (!q) return 0;
  std::string canonical = q.value().str();
  auto again = Quantity::parse(canonical);
  if (!again || !(again.value() == q.value()) || again.value().str() != canonical) std::abort();
  Quantity sum = q.value();
  sum.add(q.value());
  sum.sub(q.value());
  if (!(sum == q.value())) std::abort();
  return 0;
}
