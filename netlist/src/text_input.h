// Internal helpers shared by the line-oriented readers (.plc, Bookshelf) and the CT reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/netlist/status.h"

namespace macroplace::netlist::internal {

// Files larger than this are refused by read_whole_file (the CT reader streams instead).
inline constexpr std::uint64_t kMaxWholeFileBytes = std::uint64_t{4} << 30;

// Reads a file, decompressing it when it starts with the gzip magic bytes.
Status read_whole_file(const std::string& path, std::string* out);

// Yields a file's (decompressed) bytes in chunks; gzip input is inflated on a background thread
// so that decompression and parsing overlap on two cores.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Appends up to about one chunk to `out`. Returns false at the end of input or on error
  // (then status() says which).
  virtual bool read_more(std::string* out) = 0;
  virtual Status status() const = 0;
};
Status open_chunk_source(const std::string& path, std::unique_ptr<ChunkSource>* out);

struct Token {
  std::string_view text;
  std::uint64_t column = 0;  // 1-based
};

// Iterates over lines, dropping a trailing '\r' so LF and CRLF files read alike.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool next(std::string_view* line, std::uint64_t* line_number);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 0;
};

// Splits a line into whitespace-separated tokens, remembering their columns.
void split_tokens(std::string_view line, std::vector<Token>* tokens);

// Strict number parsing: the whole token must be a finite number.
bool parse_double(std::string_view text, double* out);
bool parse_int64(std::string_view text, std::int64_t* out);

// The file's name followed by " (expected ...)" style helpers keep messages alike.
Status error_at(const std::string& file, std::uint64_t line, std::uint64_t column,
                std::string message);

// Appends a number in the shortest form that reads back to the same double (writers use it so
// that written files round-trip exactly).
void append_number(std::string* out, double value);

// "x" for strings short enough to quote in a message, otherwise a clipped version.
std::string quote(std::string_view text);

}  // namespace macroplace::netlist::internal
