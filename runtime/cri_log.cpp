#include "runtime/cri_log.h"

#include <unistd.h>

#include <cerrno>

#include "runtime/state.h"

namespace kubepp::runtime {

Status CriLogWriter::record(const std::string& stream, char tag, std::string_view text) {
  std::string line = rfc3339_nano_now() + " " + stream + " " + tag + " ";
  line.append(text);
  line += '\n';
  // One write(2) per record on an O_APPEND file: readers never see half a record.
  if (::write(fd_.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return sys_error("write", "container log", errno);
  }
  return {};
}

Status CriLogWriter::write(const std::string& stream, std::string_view data) {
  std::string& pending = pending_[stream];
  pending.append(data);
  size_t start = 0;
  for (;;) {
    const size_t newline = pending.find('\n', start);
    if (newline == std::string::npos) {
      if (pending.size() - start < kMaxLogLine) break;
      if (Status s = record(stream, 'P', std::string_view(pending).substr(start, kMaxLogLine)); !s) return s;
      start += kMaxLogLine;
      continue;
    }
    if (newline - start > kMaxLogLine) {
      if (Status s = record(stream, 'P', std::string_view(pending).substr(start, kMaxLogLine)); !s) return s;
      start += kMaxLogLine;
      continue;
    }
    if (Status s = record(stream, 'F', std::string_view(pending).substr(start, newline - start)); !s) return s;
    start = newline + 1;
  }
  pending.erase(0, start);
  return {};
}

Status CriLogWriter::flush() {
  for (auto& [stream, pending] : pending_) {
    if (pending.empty()) continue;
    if (Status s = record(stream, 'P', pending); !s) return s;
    pending.clear();
  }
  return {};
}

std::optional<CriLogRecord> parse_cri_record(std::string_view line) {
  CriLogRecord r;
  const size_t a = line.find(' ');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos || b + 1 >= line.size()) return std::nullopt;
  r.time = line.substr(0, a);
  r.stream = line.substr(a + 1, b - a - 1);
  const char tag = line[b + 1];
  if ((tag != 'F' && tag != 'P') || (r.stream != "stdout" && r.stream != "stderr")) return std::nullopt;
  r.partial = tag == 'P';
  if (line.size() > b + 2) {
    if (line[b + 2] != ' ') return std::nullopt;
    r.text = line.substr(b + 3);
  }
  return r;
}

}  // namespace kubepp::runtime
