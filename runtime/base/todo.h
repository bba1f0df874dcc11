// todo.h — what a lab starter's stubbed function calls until the student writes it.
#pragma once

namespace kubepp {

/// Throws std::logic_error("lab NN: <what> is not written yet (TODO)"). The generated
/// starters of labs/ call it from every stubbed function; the reference never does.
[[noreturn]] void lab_todo(const char* lab, const char* what);

}  // namespace kubepp
