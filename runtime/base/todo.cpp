#include "runtime/base/todo.h"

#include <stdexcept>
#include <string>

namespace kubepp {

void lab_todo(const char* lab, const char* what) {
  throw std::logic_error(std::string(lab) + ": " + what + " is not written yet (TODO)");
}

}  // namespace kubepp
