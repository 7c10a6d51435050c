// Internal: the token stream LEF and DEF share. Both are free-form: statements are tokens
// separated by blanks and ended by a ';' token, '#' starts a comment to the end of the line,
// "..." is one token, and a backslash keeps the next character in the token (DEF escapes
// bus brackets as \[ \]). Every token remembers its line and column for error messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "macroplace/base/status.h"

namespace macroplace::netlist::internal {

struct LefDefToken {
  std::string_view text;  // without the quotes of a quoted string
  std::uint64_t line = 0, column = 0;
  std::size_t offset = 0;  // where it starts in the text (the opening quote for a string)
  bool quoted = false;
};

class LefDefTokens {
 public:
  LefDefTokens(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  // The next token; false at the end of the text.
  bool next(LefDefToken* token);
  // The next token without taking it.
  bool peek(LefDefToken* token);
  // Where the stream is: the offset just past the last token taken.
  std::size_t offset() const { return pos_; }
  const std::string& file() const { return file_; }
  std::string_view text() const { return text_; }

  // file:line:column errors at a token, or at the end of the text.
  Status error(const LefDefToken& at, const std::string& message) const;
  Status error_at_end(const std::string& message) const;

  // The next token, which must be there (`what` names what was expected otherwise).
  Status take(LefDefToken* token, const std::string& what);
  // The next token must be `word` (case-sensitive, as both formats' keywords are upper case).
  Status expect(std::string_view word);
  // A number (reals, as both formats allow "1.5e3" in places); `what` names it in errors.
  Status take_number(double* out, const std::string& what);
  // Skips to the end of the statement: past the next ';' token.
  Status skip_statement();
  // Skips past the next token that is `word` (BEGINEXT ... ENDEXT).
  Status skip_past(std::string_view word);
  // Skips a block up to and past "END name" (the name as the block was opened with; an empty
  // name: a bare END or END followed by anything on that statement's line is not checked).
  Status skip_block(std::string_view name);

 private:
  bool scan(LefDefToken* token);

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  std::size_t line_start_ = 0;
  bool has_peeked_ = false;
  LefDefToken peeked_;
  std::size_t peeked_pos_ = 0, peeked_line_start_ = 0;
  std::uint64_t peeked_line_ = 1;
};

// A name as written, backslash escapes removed (`a\[0\]` -> `a[0]`).
std::string unescape_name(std::string_view text);

}  // namespace macroplace::netlist::internal
