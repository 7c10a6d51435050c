// Internal helpers shared by the line-oriented readers (.plc, Bookshelf) and the CT reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/numbers.h"
#include "macroplace/base/status.h"

namespace macroplace::netlist::internal {

// Files larger than this are refused by read_whole_file (the CT reader streams instead).
inline constexpr std::uint64_t kMaxWholeFileBytes = std::uint64_t{4} << 30;

// Reads a file, decompressing it when it starts with the gzip magic bytes.
Status read_whole_file(const std::string& path, std::string* out);

// A whole file's (decompressed) bytes, read-only. Large plain files are mapped from the page
// cache instead of being copied: on virtual machines where every first touch of fresh memory is
// an expensive page fault, copying a file into a new buffer costs more than parsing it. The
// mapping assumes that nobody truncates the file while it is being read (that raises SIGBUS).
class FileText {
 public:
  FileText() = default;
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  FileText(FileText&& other) noexcept;
  FileText& operator=(FileText&& other) noexcept;
  ~FileText();

  std::string_view view() const {
    return mapping_ != nullptr ? std::string_view(static_cast<const char*>(mapping_), mapped_bytes_)
                               : std::string_view(copy_);
  }
  std::size_t size() const { return view().size(); }

 private:
  friend Status read_file_text(const std::string& path, FileText* out);
  void release();

  void* mapping_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  std::string copy_;  // gzip input, small files and files that cannot be mapped
};

// Like read_whole_file, but maps large plain files (see FileText).
Status read_file_text(const std::string& path, FileText* out);

// Yields a file's (decompressed) bytes in chunks; gzip input is inflated on a background thread
// so that decompression and parsing overlap on two cores.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Appends up to about one chunk to `out`. Returns false at the end of input or on error
  // (then status() says which).
  virtual bool read_more(std::string* out) = 0;
  virtual Status status() const = 0;
  // About how many bytes there are in all (gzip: the size the trailer records), or 0 when
  // unknown; for sizing buffers, not to be trusted.
  virtual std::uint64_t size_hint() const { return 0; }
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

// Strict integer parsing: the whole token must be one (parse_number() in base/ for reals).
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
