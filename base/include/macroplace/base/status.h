// Status: the error value returned at module boundaries (readers, writers, the CLI).
//
// Contract: a Status is either ok() or carries a message and, when the error comes from a file,
// the file name, 1-based line and column. to_string() renders "file:line:column: message", the
// form compilers use, so editors can jump to the spot. Exceptions are kept for bugs only.
//
//   Status status = read_ct_netlist(path, &netlist);
//   if (!status.ok()) { std::cerr << status.to_string() << "\n"; return 1; }
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace macroplace {

// Where in a text file something was found. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

class Status {
 public:
  Status() = default;  // ok; costs one null pointer, so ok statuses are cheap to pass around

  static Status error(std::string message) { return Status(std::move(message), {}); }
  static Status error_at(SourceLocation where, std::string message) {
    return Status(std::move(message), std::move(where));
  }

  bool ok() const { return rep_ == nullptr; }
  const std::string& message() const { return ok() ? empty_string() : rep_->message; }
  const SourceLocation& where() const { return ok() ? empty_location() : rep_->where; }

  // "file:line:column: error: message", dropping the parts that are unknown.
  std::string to_string() const {
    if (ok()) return "ok";
    std::string out;
    if (!rep_->where.file.empty()) out += rep_->where.file + ":";
    if (rep_->where.line > 0) {
      out += std::to_string(rep_->where.line) + ":";
      if (rep_->where.column > 0) out += std::to_string(rep_->where.column) + ":";
    }
    if (!out.empty()) out += " ";
    return out + "error: " + rep_->message;
  }

 private:
  struct Rep {
    std::string message;
    SourceLocation where;
  };
  Status(std::string message, SourceLocation where)
      : rep_(std::make_shared<const Rep>(Rep{std::move(message), std::move(where)})) {}
  static const std::string& empty_string() {
    static const std::string kEmpty;
    return kEmpty;
  }
  static const SourceLocation& empty_location() {
    static const SourceLocation kEmpty;
    return kEmpty;
  }

  std::shared_ptr<const Rep> rep_;
};

}  // namespace macroplace
