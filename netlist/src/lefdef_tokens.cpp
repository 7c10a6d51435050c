#include "lefdef_tokens.h"

#include <cmath>

#include "macroplace/base/numbers.h"
#include "text_input.h"

namespace macroplace::netlist::internal {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

}  // namespace

bool LefDefTokens::scan(LefDefToken* token) {
  for (;;) {
    while (pos_ < text_.size() && is_blank(text_[pos_])) {
      if (text_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] != '#') break;
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;  // a comment
  }
  token->line = line_;
  token->column = pos_ - line_start_ + 1;
  token->offset = pos_;
  token->quoted = text_[pos_] == '"';
  if (token->quoted) {
    const std::size_t begin = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      if (text_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
      ++pos_;
    }
    token->text = text_.substr(begin, pos_ - begin);
    if (pos_ < text_.size()) ++pos_;  // the closing quote (a missing one ends at the end)
    return true;
  }
  const std::size_t begin = pos_;
  while (pos_ < text_.size() && !is_blank(text_[pos_])) {
    if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && !is_blank(text_[pos_ + 1])) ++pos_;
    ++pos_;
  }
  token->text = text_.substr(begin, pos_ - begin);
  return true;
}

bool LefDefTokens::next(LefDefToken* token) {
  if (has_peeked_) {
    has_peeked_ = false;
    *token = peeked_;
    pos_ = peeked_pos_;
    line_ = peeked_line_;
    line_start_ = peeked_line_start_;
    return true;
  }
  return scan(token);
}

bool LefDefTokens::peek(LefDefToken* token) {
  if (!has_peeked_) {
    const std::size_t pos = pos_, line_start = line_start_;
    const std::uint64_t line = line_;
    if (!scan(&peeked_)) return false;
    peeked_pos_ = pos_;
    peeked_line_ = line_;
    peeked_line_start_ = line_start_;
    pos_ = pos;
    line_ = line;
    line_start_ = line_start;
    has_peeked_ = true;
  }
  *token = peeked_;
  return true;
}

Status LefDefTokens::error(const LefDefToken& at, const std::string& message) const {
  return error_at(file_, at.line, at.column, message);
}

Status LefDefTokens::error_at_end(const std::string& message) const {
  return error_at(file_, line_, pos_ - line_start_ + 1, "file ends early: " + message);
}

Status LefDefTokens::take(LefDefToken* token, const std::string& what) {
  if (!next(token)) return error_at_end("expected " + what);
  return {};
}

Status LefDefTokens::expect(std::string_view word) {
  LefDefToken token;
  if (Status s = take(&token, "'" + std::string(word) + "'"); !s.ok()) return s;
  if (token.text != word || token.quoted) {
    return error(token, "expected '" + std::string(word) + "', found " + quote(token.text));
  }
  return {};
}

Status LefDefTokens::take_number(double* out, const std::string& what) {
  LefDefToken token;
  if (Status s = take(&token, what); !s.ok()) return s;
  if (token.quoted || !parse_number(token.text, out) || !std::isfinite(*out)) {
    return error(token, "expected " + what + " (a number), found " + quote(token.text));
  }
  return {};
}

Status LefDefTokens::skip_statement() {
  LefDefToken token;
  while (next(&token)) {
    if (token.text == ";" && !token.quoted) return {};
  }
  return error_at_end("expected ';' to end the statement");
}

Status LefDefTokens::skip_past(std::string_view word) {
  LefDefToken token;
  while (next(&token)) {
    if (token.text == word && !token.quoted) return {};
  }
  return error_at_end("expected '" + std::string(word) + "'");
}

Status LefDefTokens::skip_block(std::string_view name) {
  LefDefToken token, after;
  while (next(&token)) {
    if (token.quoted || token.text != "END") continue;
    if (name.empty()) return {};
    if (peek(&after) && after.text == name && after.line == token.line) {
      next(&after);
      return {};
    }
  }
  return error_at_end("expected 'END " + std::string(name) + "'");
}

std::string unescape_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

}  // namespace macroplace::netlist::internal
