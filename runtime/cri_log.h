// cri_log.h — container logs in the format of Kubernetes' CRI, which the kubelet and
// `kubectl logs` read:
//
//     2026-11-26T22:41:14.123456789Z stdout F hello
//     2026-11-26T22:41:14.123500000Z stderr P the first 16 KiB of a very long line…
//
// one record per line: the time the runtime read it, the stream, F for a full line or
// P for a part of one (a line longer than the buffer, or cut off at the end), and the
// text without its newline.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

/// The longest record; a longer line is split into P records.
inline constexpr size_t kMaxLogLine = 16 * 1024;

/// Turns a container's output into CRI records on `fd` (an append-only log file).
/// Not thread-safe.
class CriLogWriter {
 public:
  explicit CriLogWriter(UniqueFd fd) : fd_(std::move(fd)) {}

  /// Feeds bytes read from `stream` ("stdout" or "stderr"); whole lines are written now.
  Status write(const std::string& stream, std::string_view data);
  /// Writes what is left of each stream's unterminated line as a P record.
  Status flush();

 private:
  Status record(const std::string& stream, char tag, std::string_view text);

  UniqueFd fd_;
  std::map<std::string, std::string> pending_;  ///< per stream: bytes after the last newline
};

struct CriLogRecord {
  std::string time;
  std::string stream;
  bool partial = false;
  std::string text;
};

/// Parses one record (without its newline); nothing when the line is not one.
std::optional<CriLogRecord> parse_cri_record(std::string_view line);

}  // namespace kubepp::runtime
