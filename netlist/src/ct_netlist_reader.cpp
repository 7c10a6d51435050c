// Streaming reader for Circuit Training `.pb.txt` netlists (FORMATS.md section 1).
//
// The text is consumed through a window that is refilled from a ChunkSource, so memory stays
// bounded by the longest token (kMaxTokenBytes) plus one chunk, whatever the file size. An
// `input:` naming a node read already is resolved at once; other names (`input:` before the
// node's definition, `macro_name`) are kept and resolved after the last node.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

using internal::ChunkSource;
using internal::quote;

// Longest string or number accepted; a hostile file cannot make us buffer more than this.
constexpr std::size_t kMaxTokenBytes = std::size_t{1} << 16;
constexpr std::string_view kExtraNetPrefix = "macroplace.extra_net.";

class StringChunkSource : public ChunkSource {
 public:
  explicit StringChunkSource(std::string_view text) : text_(text) {}
  std::uint64_t size_hint() const override { return text_.size(); }
  bool read_more(std::string* out) override {
    if (done_) return false;
    out->append(text_);
    done_ = true;
    return !text_.empty();
  }
  Status status() const override { return Status(); }

 private:
  std::string_view text_;
  bool done_ = false;
};

// A name -> index table whose keys live elsewhere (open addressing, linear probing); no
// per-name allocation. `KeyOf` gives the name of an index.
template <typename KeyOf>
class NameTable {
 public:
  explicit NameTable(KeyOf key_of) : key_of_(key_of) { rehash(1 << 12); }

  // Returns the index that has that name, or inserts `index` (whose name must be `name`) and
  // returns -1.
  std::int32_t insert(std::string_view name, std::int32_t index) {
    if ((count_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t slot = std::hash<std::string_view>{}(name) & (slots_.size() - 1);
    while (slots_[slot] != -1) {
      if (key_of_(slots_[slot]) == name) return slots_[slot];
      slot = (slot + 1) & (slots_.size() - 1);
    }
    slots_[slot] = index;
    ++count_;
    return -1;
  }

  // The index with that name, or -1.
  std::int32_t find(std::string_view name) const {
    std::size_t slot = std::hash<std::string_view>{}(name) & (slots_.size() - 1);
    while (slots_[slot] != -1) {
      if (key_of_(slots_[slot]) == name) return slots_[slot];
      slot = (slot + 1) & (slots_.size() - 1);
    }
    return -1;
  }

 private:
  void rehash(std::size_t size) {
    std::vector<std::int32_t> old = std::move(slots_);
    slots_.assign(size, -1);
    for (const std::int32_t index : old) {
      if (index == -1) continue;
      std::size_t slot = std::hash<std::string_view>{}(key_of_(index)) & (size - 1);
      while (slots_[slot] != -1) slot = (slot + 1) & (size - 1);
      slots_[slot] = index;
    }
  }

  KeyOf key_of_;
  std::vector<std::int32_t> slots_;
  std::size_t count_ = 0;
};

struct NodeNameOf {
  const Netlist* netlist;
  std::string_view operator()(std::int32_t node) const { return netlist->name(node); }
};

struct ArenaStringOf {
  const StringArena* arena;
  std::string_view operator()(std::int32_t index) const { return arena->get(index); }
};

struct Position {
  std::uint64_t line = 0, column = 0;
};

// A name mentioned by a node, resolved once every node is known.
struct PendingReference {
  NodeId from = kNoNode;
  std::int32_t name = -1;  // into the reader's reference arena
  Position where;
};

// Everything one `node { ... }` block says, before it becomes a Netlist node.
struct NodeFields {
  std::string name;
  std::string type;
  Position name_at, type_at, start;
  bool has_name = false, has_type = false;
  double width = 0, height = 0, x = 0, y = 0, x_offset = 0, y_offset = 0, weight = 1;
  bool has_weight = false;
  Position weight_at;
  std::string macro_name, side, ref_name, orientation;
  Position macro_name_at, orientation_at;
  bool has_macro_name = false, has_orientation = false;
  std::vector<MetadataAttribute> attributes;  // kept only for __metadata__
  // Nets beyond the first that this node drives, in our documented extension
  // (`macroplace.extra_net.<k>.input.<i>` / `.weight`): Circuit Training's format lets a node
  // drive one net, Bookshelf designs need more.
  struct ExtraInput {
    std::int64_t net = 0, index = 0;
    std::string name;
    Position where;
  };
  std::vector<ExtraInput> extra_inputs;
  std::vector<std::pair<std::int64_t, double>> extra_weights;

  void clear() {
    name.clear();
    type.clear();
    has_name = has_type = has_weight = has_macro_name = has_orientation = false;
    width = height = x = y = x_offset = y_offset = 0;
    weight = 1;
    macro_name.clear();
    side.clear();
    ref_name.clear();
    orientation.clear();
    attributes.clear();
    extra_inputs.clear();
    extra_weights.clear();
  }
};

class CtReader {
 public:
  CtReader(std::unique_ptr<ChunkSource> source, std::string file, Netlist* out)
      : source_(std::move(source)),
        file_(std::move(file)),
        netlist_(*out),
        names_(NodeNameOf{out}),
        unresolved_index_(ArenaStringOf{&unresolved_names_}) {
    // Sized from the text's length (Ariane's flat netlist has about 650 bytes a node, 200 an
    // input), so that the big arrays are allocated once: regrowing one copies it and touches
    // twice its memory. Overestimates cost address space only, never touched.
    const std::uint64_t bytes = source_->size_hint();
    const auto nodes = static_cast<std::size_t>(bytes / 256 + 16);
    const auto inputs = static_cast<std::size_t>(bytes / 64 + 16);
    netlist_.reserve(nodes, static_cast<std::size_t>(bytes / 8 + 64));
    netlist_.reserve_nets(nodes, nodes + inputs);
    inputs_.reserve(inputs);
    nets_.reserve(nodes);
    references_.reserve(nodes / 4, static_cast<std::size_t>(bytes / 32));
    unresolved_names_.reserve(inputs / 4, static_cast<std::size_t>(bytes / 16));
    first_use_.reserve(inputs / 4);
  }

  Status read() {
    Status status = parse_file();
    if (!status.ok()) return status;
    status = source_->status();
    if (!status.ok()) return status;
    return resolve();
  }

 private:
  // ---- the window ----
  // Makes sure at least kMaxTokenBytes are buffered after pos_, unless the input ends first.
  void ensure_window() {
    if (eof_ || buffer_.size() - pos_ >= kMaxTokenBytes) return;
    buffer_.erase(0, pos_);
    buffer_start_ += pos_;
    pos_ = 0;
    while (!eof_ && buffer_.size() < kMaxTokenBytes) {
      if (!source_->read_more(&buffer_)) eof_ = true;
    }
  }

  Position here() const { return {line_, buffer_start_ + pos_ - line_start_ + 1}; }

  Status fail(Position where, std::string message) const {
    return Status::error_at({file_, where.line, where.column}, std::move(message));
  }

  // Skips whitespace and comments; header comments are interpreted on the way.
  Status skip_space() {
    // Most calls (after a field name, before a ':' or '{') have nothing to skip.
    if ((eof_ || buffer_.size() - pos_ >= kMaxTokenBytes) && pos_ < buffer_.size() &&
        !is_space_or_comment(buffer_[pos_])) {
      return Status();
    }
    return skip_space_slowly();
  }

  static bool is_space_or_comment(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',' || c == ';' || c == '#';
  }

  Status skip_space_slowly() {
    ensure_window();
    while (true) {
      const char* data = buffer_.data();
      const std::size_t size = buffer_.size();
      std::size_t pos = pos_;
      while (pos < size) {
        const char c = data[pos];
        if (c == '\n') {
          ++pos;
          ++line_;
          line_start_ = buffer_start_ + pos;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == ';') {
          ++pos;
        } else {
          break;
        }
      }
      pos_ = pos;
      if (pos_ >= size) {
        if (eof_) return Status();
        ensure_window();  // a long run of blanks: slide the window and go on
        continue;
      }
      if (data[pos_] != '#') return Status();
      const Position at = here();
      ensure_window();
      const std::size_t end = buffer_.find('\n', pos_);
      const std::size_t stop = end == std::string::npos ? buffer_.size() : end;
      if (stop - pos_ > kMaxTokenBytes) return fail(at, "comment line too long");
      Status status = header_comment(std::string_view(buffer_).substr(pos_, stop - pos_), at);
      if (!status.ok()) return status;
      pos_ = stop;
      ensure_window();
    }
  }

  bool at_end() const { return pos_ >= buffer_.size(); }
  char peek() const { return buffer_[pos_]; }

  static bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
  }

  // Reads an identifier (field name). Empty when the next character does not start one.
  Status identifier(std::string_view* out, Position* where) {
    Status status = skip_space();
    if (!status.ok()) return status;
    *where = here();
    const std::size_t start = pos_;
    while (pos_ < buffer_.size() && is_identifier_char(buffer_[pos_])) {
      if (pos_ - start > kMaxTokenBytes / 2) return fail(*where, "field name too long");
      ++pos_;
    }
    *out = std::string_view(buffer_).substr(start, pos_ - start);
    return Status();
  }

  Status expect(char c, const char* what) {
    Status status = skip_space();
    if (!status.ok()) return status;
    if (at_end()) return fail(here(), std::string("unexpected end of file, expected ") + what);
    if (peek() != c) {
      return fail(here(), std::string("expected ") + what + ", found " +
                              quote(std::string_view(&buffer_[pos_], 1)));
    }
    ++pos_;
    return Status();
  }

  // Reads a quoted string with C escapes into `out`.
  Status string_value(std::string* out, Position* where) {
    Status status = skip_space();
    if (!status.ok()) return status;
    *where = here();
    if (at_end()) return fail(*where, "unexpected end of file, expected a quoted string");
    const char quote_char = peek();
    if (quote_char != '"' && quote_char != '\'') {
      return fail(*where,
                  "expected a quoted string, found " + quote(std::string_view(&buffer_[pos_], 1)));
    }
    ++pos_;
    out->clear();
    while (true) {
      if (pos_ >= buffer_.size()) return fail(*where, "unterminated string");
      const char c = buffer_[pos_];
      if (c == quote_char) {
        ++pos_;
        return Status();
      }
      if (c == '\n') return fail(*where, "unterminated string (line break inside)");
      if (out->size() >= kMaxTokenBytes) return fail(*where, "string longer than 65536 bytes");
      if (c != '\\') {
        // Fast path: copy the run up to the next quote, backslash or line break.
        std::size_t end = pos_;
        while (end < buffer_.size() && buffer_[end] != quote_char && buffer_[end] != '\\' &&
               buffer_[end] != '\n' && end - pos_ < kMaxTokenBytes) {
          ++end;
        }
        out->append(buffer_, pos_, end - pos_);
        pos_ = end;
        continue;
      }
      if (pos_ + 1 >= buffer_.size()) return fail(*where, "unterminated string");
      const char e = buffer_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case '\\': out->push_back('\\'); break;
        case '"': out->push_back('"'); break;
        case '\'': out->push_back('\''); break;
        case 'a': out->push_back('\a'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'v': out->push_back('\v'); break;
        case '?': out->push_back('?'); break;
        case 'x': {
          int value = 0, digits = 0;
          while (digits < 2 && pos_ < buffer_.size() &&
                 std::isxdigit(static_cast<unsigned char>(buffer_[pos_]))) {
            const char h = buffer_[pos_++];
            value = value * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            ++digits;
          }
          if (digits == 0) return fail(here(), "expected hex digits after \\x");
          out->push_back(static_cast<char>(value));
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0', digits = 1;
            while (digits < 3 && pos_ < buffer_.size() && buffer_[pos_] >= '0' &&
                   buffer_[pos_] <= '7') {
              value = value * 8 + (buffer_[pos_++] - '0');
              ++digits;
            }
            out->push_back(static_cast<char>(value & 0xff));
          } else {
            return fail(here(), std::string("unknown escape \\") + e + " in string");
          }
      }
    }
  }

  // Reads a number token (as text, for exact reproduction in metadata) and its value.
  Status number_value(double* value, std::string_view* text, Position* where) {
    Status status = skip_space();
    if (!status.ok()) return status;
    *where = here();
    const std::size_t start = pos_;
    while (pos_ < buffer_.size()) {
      const char c = buffer_[pos_];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '}' || c == '#' || c == ',' ||
          c == ';') {
        break;
      }
      if (pos_ - start > 400) return fail(*where, "number too long");
      ++pos_;
    }
    *text = std::string_view(buffer_).substr(start, pos_ - start);
    if (text->empty()) return fail(*where, "expected a number");
    const char* begin = text->data();
    const char* end = begin + text->size();
    if (*begin == '+') ++begin;
    auto result = std::from_chars(begin, end, *value);
    if (result.ec != std::errc() || result.ptr != end) {
      if (text->size() > 1 && (text->back() == 'f' || text->back() == 'F')) {  // 1.5f
        result = std::from_chars(begin, end - 1, *value);
        if (result.ec == std::errc() && result.ptr == end - 1) return Status();
      }
      return fail(*where, "expected a number, found " + quote(*text));
    }
    return Status();
  }

  // ---- the grammar ----
  Status parse_file() {
    ensure_window();
    while (true) {
      Status status = skip_space();
      if (!status.ok()) return status;
      if (at_end()) return Status();
      std::string_view word;
      Position at;
      status = identifier(&word, &at);
      if (!status.ok()) return status;
      if (word != "node") {
        return fail(at, word.empty()
                            ? "expected 'node', found " + quote(std::string_view(&buffer_[pos_], 1))
                            : "expected 'node', found " + quote(word));
      }
      status = optional_colon();
      if (!status.ok()) return status;
      status = expect('{', "'{' after 'node'");
      if (!status.ok()) return status;
      fields_.clear();
      fields_.start = at;
      pending_inputs_begin_ = inputs_.size();
      first_used_here_.clear();
      status = node_body();
      if (!status.ok()) return status;
      status = add_node();
      if (!status.ok()) return status;
    }
  }

  Status optional_colon() {
    Status status = skip_space();
    if (!status.ok()) return status;
    if (!at_end() && peek() == ':') ++pos_;
    return Status();
  }

  Status node_body() {
    std::string text;
    while (true) {
      Status status = skip_space();
      if (!status.ok()) return status;
      if (at_end()) {
        return fail(here(), "unexpected end of file inside node " +
                                (fields_.has_name ? quote(fields_.name) : std::string()) +
                                " (expected '}')");
      }
      if (peek() == '}') {
        ++pos_;
        return Status();
      }
      std::string_view field;
      Position at;
      status = identifier(&field, &at);
      if (!status.ok()) return status;
      if (field == "name") {
        if ((status = optional_colon()).ok())
          status = string_value(&fields_.name, &fields_.name_at);
        if (!status.ok()) return status;
        if (fields_.has_name) return fail(at, "node has two names");
        fields_.has_name = true;
      } else if (field == "input") {
        Position where;
        if ((status = optional_colon()).ok()) status = string_value(&text, &where);
        if (!status.ok()) return status;
        add_input(text, where);
      } else if (field == "attr") {
        if ((status = optional_colon()).ok()) status = expect('{', "'{' after 'attr'");
        if (!status.ok()) return status;
        status = attribute(at);
        if (!status.ok()) return status;
      } else if (field.empty()) {
        return fail(at, "expected 'name', 'input', 'attr' or '}', found " +
                            quote(std::string_view(&buffer_[pos_], 1)));
      } else {
        return fail(at, "expected 'name', 'input', 'attr' or '}', found " + quote(field));
      }
    }
  }

  // attr { key: "k" value { placeholder: "s" | f: 1.0 | i: 3 } }
  Status attribute(Position attr_at) {
    std::string key;
    Position key_at;
    bool has_key = false, has_value = false;
    std::string string_result;
    double number = 0;
    std::string_view number_text;
    std::string number_copy;
    bool is_string = false;
    Position value_at;
    while (true) {
      Status status = skip_space();
      if (!status.ok()) return status;
      if (at_end()) return fail(here(), "unexpected end of file inside attr (expected '}')");
      if (peek() == '}') {
        ++pos_;
        break;
      }
      std::string_view field;
      Position at;
      status = identifier(&field, &at);
      if (!status.ok()) return status;
      if (field == "key") {
        if ((status = optional_colon()).ok()) status = string_value(&key, &key_at);
        if (!status.ok()) return status;
        has_key = true;
      } else if (field == "value") {
        if ((status = optional_colon()).ok()) status = expect('{', "'{' after 'value'");
        if (!status.ok()) return status;
        std::string_view kind;
        Position kind_at;
        status = identifier(&kind, &kind_at);
        if (!status.ok()) return status;
        if (kind == "placeholder" || kind == "s") {
          if ((status = optional_colon()).ok()) status = string_value(&string_result, &value_at);
          is_string = true;
        } else if (kind == "f" || kind == "i") {
          if ((status = optional_colon()).ok())
            status = number_value(&number, &number_text, &value_at);
          if (status.ok()) number_copy.assign(number_text);
          is_string = false;
        } else {
          return fail(kind_at,
                      "expected 'placeholder', 'f' or 'i' in value, found " +
                          quote(kind.empty() ? std::string_view(&buffer_[pos_], 1) : kind));
        }
        if (!status.ok()) return status;
        status = expect('}', "'}' closing value");
        if (!status.ok()) return status;
        has_value = true;
      } else {
        return fail(at, "expected 'key', 'value' or '}' in attr, found " +
                            quote(field.empty() ? std::string_view(&buffer_[pos_], 1) : field));
      }
    }
    if (!has_key) return fail(attr_at, "attr without a key");
    if (!has_value) return fail(attr_at, "attr " + quote(key) + " without a value");
    return store_attribute(key, key_at, is_string, string_result, number, number_copy, value_at);
  }

  Status store_attribute(const std::string& key, Position key_at, bool is_string,
                         const std::string& text, double number, const std::string& number_text,
                         Position value_at) {
    // Only the __metadata__ node keeps its attributes; a node is known not to be it once its
    // name has been read (names usually come first).
    if (!fields_.has_name || std::string_view(fields_.name) == "__metadata__") {
      fields_.attributes.push_back({key, is_string ? text : number_text, is_string});
    }
    const std::string_view name = key;  // compares with literals by length first
    auto want_number = [&](double* slot) -> Status {
      if (is_string) return fail(value_at, "attribute " + quote(key) + " expects a number (f:)");
      if (!std::isfinite(number)) {
        return fail(value_at, "attribute " + quote(key) + " is not finite (" + number_text + ")");
      }
      *slot = number;
      return Status();
    };
    auto want_string = [&](std::string* slot) -> Status {
      if (!is_string) {
        return fail(value_at, "attribute " + quote(key) + " expects a string (placeholder:)");
      }
      *slot = text;
      return Status();
    };
    if (name == "type") {
      fields_.type_at = value_at;
      fields_.has_type = true;
      return want_string(&fields_.type);
    }
    if (name == "width") return want_number(&fields_.width);
    if (name == "height") return want_number(&fields_.height);
    if (name == "x") return want_number(&fields_.x);
    if (name == "y") return want_number(&fields_.y);
    if (name == "x_offset") return want_number(&fields_.x_offset);
    if (name == "y_offset") return want_number(&fields_.y_offset);
    if (name == "weight") {
      fields_.has_weight = true;
      fields_.weight_at = value_at;
      return want_number(&fields_.weight);
    }
    if (name == "macro_name") {
      fields_.has_macro_name = true;
      fields_.macro_name_at = value_at;
      return want_string(&fields_.macro_name);
    }
    if (name == "orientation") {
      fields_.has_orientation = true;
      fields_.orientation_at = value_at;
      return want_string(&fields_.orientation);
    }
    if (name.substr(0, kExtraNetPrefix.size()) == kExtraNetPrefix)
      return extra_net_attribute(key, key_at, want_string, want_number);
    if (name == "side") return want_string(&fields_.side);
    if (name == "ref_name") return want_string(&fields_.ref_name);
    (void)key_at;
    return Status();  // other attributes are informational
  }

  // `macroplace.extra_net.<k>.input.<i>` (a sink name) or `macroplace.extra_net.<k>.weight`.
  template <typename WantString, typename WantNumber>
  Status extra_net_attribute(const std::string& key, Position key_at, WantString& want_string,
                             WantNumber& want_number) {
    std::string_view rest = std::string_view(key).substr(kExtraNetPrefix.size());
    auto take_number = [&rest](std::int64_t* out) {
      const auto result = std::from_chars(rest.data(), rest.data() + rest.size(), *out);
      if (result.ec != std::errc() || *out < 0 || *out > 1000000000) return false;
      rest.remove_prefix(static_cast<std::size_t>(result.ptr - rest.data()));
      return true;
    };
    std::int64_t net = 0;
    const char* form = "expected macroplace.extra_net.<k>.input.<i> or .<k>.weight";
    if (!take_number(&net) || net < 1) return fail(key_at, form);
    if (rest == ".weight") {
      double weight = 1;
      Status status = want_number(&weight);
      if (!status.ok()) return status;
      if (!(weight > 0)) return fail(key_at, "net weight must be positive");
      fields_.extra_weights.emplace_back(net, weight);
      return Status();
    }
    if (rest.substr(0, 7) != ".input.") return fail(key_at, form);
    rest.remove_prefix(7);
    std::int64_t index = 0;
    if (!take_number(&index) || !rest.empty()) return fail(key_at, form);
    NodeFields::ExtraInput input{net, index, {}, key_at};
    Status status = want_string(&input.name);
    if (!status.ok()) return status;
    fields_.extra_inputs.push_back(std::move(input));
    return Status();
  }

  // Turns the extension attributes of the node just read into pending nets after its first.
  Status add_extra_nets(NodeId id) {
    auto& extra = fields_.extra_inputs;
    std::sort(extra.begin(), extra.end(), [](const auto& a, const auto& b) {
      return a.net != b.net ? a.net < b.net : a.index < b.index;
    });
    for (std::size_t i = 0; i < extra.size();) {
      const std::int64_t net = extra[i].net;
      for (; i < extra.size() && extra[i].net == net; ++i) {
        if (i > 0 && extra[i - 1].net == net && extra[i - 1].index == extra[i].index) {
          return fail(extra[i].where, "extra net input given twice");
        }
        add_input(extra[i].name, extra[i].where);
      }
      double weight = 1;
      for (const auto& [weight_net, value] : fields_.extra_weights) {
        if (weight_net == net) weight = value;
      }
      add_net(id, weight);
    }
    for (const auto& [weight_net, value] : fields_.extra_weights) {
      const bool used = std::any_of(extra.begin(), extra.end(),
                                    [net = weight_net](const auto& e) { return e.net == net; });
      if (!used)
        return fail(fields_.start,
                    "extra net " + std::to_string(weight_net) + " has a weight but no inputs");
    }
    return Status();
  }

  Status add_node() {
    if (!fields_.has_name) return fail(fields_.start, "node without a name");
    if (std::string_view(fields_.name) == "__metadata__") {
      netlist_.metadata = fields_.attributes;
      inputs_.resize(pending_inputs_begin_);  // metadata drives no net
      // Names first used here are first used by a later node, if any.
      for (const std::int32_t k : first_used_here_) first_use_[static_cast<std::size_t>(k)] = {};
      return Status();
    }
    if (!fields_.has_type)
      return fail(fields_.start, "node " + quote(fields_.name) + " has no type");
    NodeKind kind;
    const std::string_view type = fields_.type;
    if (type == "MACRO") {
      kind = NodeKind::kHardMacro;
    } else if (type == "macro") {
      // Lower-case `macro` is a soft macro only for Grp_* clusters (FORMATS.md).
      kind = fields_.name.rfind("Grp_", 0) == 0 ? NodeKind::kSoftMacro : NodeKind::kHardMacro;
    } else if (type == "MACRO_PIN" || type == "macro_pin") {
      kind = NodeKind::kHardMacroPin;  // hard or soft is settled by the owner's kind
    } else if (type == "PORT" || type == "port") {
      kind = NodeKind::kPort;
    } else if (type == "STDCELL" || type == "stdcell") {
      kind = NodeKind::kStdCell;
    } else {
      return fail(fields_.type_at, "unknown node type " + quote(type) +
                                       " (expected MACRO, macro, MACRO_PIN, macro_pin, PORT, "
                                       "port, STDCELL or stdcell)");
    }
    if (fields_.width < 0 || fields_.height < 0) {
      return fail(fields_.start, "node " + quote(fields_.name) + " has a negative size");
    }
    if (fields_.has_weight && !(fields_.weight > 0)) {
      return fail(fields_.weight_at, "net weight must be positive");
    }
    const NodeId id =
        netlist_.add_node(kind, fields_.name, fields_.width, fields_.height, fields_.x, fields_.y);
    if (names_.insert(fields_.name, id) != kNoNode) {
      return fail(fields_.name_at, "duplicate node name " + quote(fields_.name));
    }
    if (is_pin(kind)) {
      if (!fields_.has_macro_name) {
        return fail(fields_.start, "pin " + quote(fields_.name) + " has no macro_name");
      }
      netlist_.set_pin_offset(id, fields_.x_offset, fields_.y_offset);
      owners_.push_back({id, references_.add(fields_.macro_name), fields_.macro_name_at});
    }
    if (fields_.has_orientation) {
      auto orientation = parse_orientation(fields_.orientation);
      if (!orientation) {
        return fail(fields_.orientation_at, "unknown orientation " + quote(fields_.orientation) +
                                                " (expected N FN S FS E FE W FW)");
      }
      netlist_.set_orientation(id, *orientation);
    }
    if (!fields_.side.empty()) netlist_.set_port_side(id, fields_.side);
    if (!fields_.ref_name.empty()) netlist_.set_ref_name(id, fields_.ref_name);
    if (inputs_.size() > pending_inputs_begin_) add_net(id, fields_.weight);
    return add_extra_nets(id);
  }

  // Resolves pin owners and net terminals once every name is known.
  Status resolve() {
    for (const PendingReference& owner : owners_) {
      const std::string_view name = references_.get(owner.name);
      const NodeId macro = names_.find(name);
      if (macro == kNoNode) {
        return fail(owner.where, "pin " + quote(netlist_.name(owner.from)) +
                                     " names an unknown macro " + quote(name));
      }
      const NodeKind kind = netlist_.kind(macro);
      if (!is_macro(kind)) {
        return fail(owner.where, "pin " + quote(netlist_.name(owner.from)) + " names " +
                                     quote(name) + ", a " + std::string(node_kind_name(kind)) +
                                     ", expected a macro");
      }
      netlist_.set_pin_owner(owner.from, macro);
      netlist_.set_kind(owner.from, kind == NodeKind::kHardMacro ? NodeKind::kHardMacroPin
                                                                 : NodeKind::kSoftMacroPin);
    }
    // Each name that was unknown when an input named it, looked up once. An input whose name is
    // still unknown is the first use of that name (the earlier ones would have failed first), so
    // the error points there.
    constexpr NodeId kNotLookedUp = -2;
    std::vector<NodeId> node_of_name(static_cast<std::size_t>(unresolved_names_.size()),
                                     kNotLookedUp);
    std::vector<NodeId> terminals;
    std::size_t begin = 0, next_weight = 0;
    for (std::size_t n = 0; n < nets_.size(); ++n) {
      const PendingNet& net = nets_[n];
      terminals.assign(1, net.driver);
      for (std::size_t i = begin; i < net.end; ++i) {
        NodeId sink = inputs_[i];
        if (sink < 0) {
          const std::int32_t unresolved = -1 - sink;
          NodeId& node = node_of_name[static_cast<std::size_t>(unresolved)];
          const std::string_view name = unresolved_names_.get(unresolved);
          if (node == kNotLookedUp) node = names_.find(name);
          if (node == kNoNode) {
            return fail(first_use_[static_cast<std::size_t>(unresolved)],
                        "input names an unknown node " + quote(name));
          }
          sink = node;
        }
        terminals.push_back(sink);
      }
      begin = net.end;
      double weight = 1.0;
      if (next_weight < net_weights_.size() && net_weights_[next_weight].first == n) {
        weight = net_weights_[next_weight++].second;
      }
      netlist_.add_net(terminals.data(), terminals.size(), weight);
    }
    return Status();
  }

  // Records a sink of the node being read: its node when the name is known already (most are),
  // otherwise the name, kept once however many inputs use it, for resolve().
  void add_input(std::string_view name, Position where) {
    const NodeId node = names_.find(name);
    if (node != kNoNode) {
      inputs_.push_back(node);
      return;
    }
    std::int32_t index = unresolved_index_.find(name);
    if (index < 0) {
      index = unresolved_names_.add(name);
      unresolved_index_.insert(name, index);
      first_use_.emplace_back();
    }
    Position& first = first_use_[static_cast<std::size_t>(index)];
    if (first.line == 0) {
      first = where;
      first_used_here_.push_back(index);
    }
    inputs_.push_back(-1 - index);
  }

  // A net driven by `driver` whose sinks are the inputs read since the previous net.
  void add_net(NodeId driver, double weight) {
    if (weight != 1.0) net_weights_.emplace_back(nets_.size(), weight);
    nets_.push_back({inputs_.size(), driver});
  }

  // Header comments that carry design data.
  Status header_comment(std::string_view line, Position at) {
    line.remove_prefix(1);  // '#'
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    std::vector<internal::Token> tokens;
    auto numbers_after = [&](std::string_view rest, std::vector<double>* out) -> bool {
      std::string cleaned(rest);
      for (char& c : cleaned) {
        if (c == '{' || c == '}' || c == ':' || c == ',') c = ' ';
      }
      internal::split_tokens(cleaned, &tokens);
      out->clear();
      for (const auto& token : tokens) {
        double value = 0;
        if (!parse_number(token.text, &value)) return false;
        out->push_back(value);
      }
      return true;
    };
    std::vector<double> numbers;
    if (line.rfind("FP bbox", 0) == 0) {
      if (!numbers_after(line.substr(7), &numbers) || numbers.size() != 4) {
        return fail(at, "expected '# FP bbox: {x0 y0 x1 y1}' or '{x0 y0} {W H}'");
      }
      Rect rect{numbers[0], numbers[1], numbers[2], numbers[3]};
      // `{x0 y0} {W H}` has a second brace pair; `{x0 y0 x1 y1}` a single one.
      if (line.find('}') != line.rfind('}')) {
        rect.x1 = numbers[0] + numbers[2];
        rect.y1 = numbers[1] + numbers[3];
      }
      if (rect.x1 < rect.x0 || rect.y1 < rect.y0) return fail(at, "FP bbox has negative size");
      netlist_.canvas = rect;
    } else if (line.rfind("Blockage", 0) == 0) {
      if (!numbers_after(line.substr(8), &numbers) || numbers.size() != 5) {
        return fail(at, "expected '# Blockage : minx miny maxx maxy rate'");
      }
      netlist_.blockages.push_back({{numbers[0], numbers[1], numbers[2], numbers[3]}, numbers[4]});
    } else if (line.rfind("Block ", 0) == 0 || line.rfind("Block:", 0) == 0) {
      std::string_view rest = line.substr(5);
      const std::size_t colon = rest.find(':');
      if (colon != std::string_view::npos) rest = rest.substr(colon + 1);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.remove_suffix(1);
      netlist_.block_name = std::string(rest);
    }
    return Status();
  }

  // A net whose sinks are inputs_[end of the previous net, end).
  struct PendingNet {
    std::size_t end;
    NodeId driver;
  };

  std::unique_ptr<ChunkSource> source_;
  std::string file_;
  Netlist& netlist_;
  NameTable<NodeNameOf> names_;

  std::string buffer_;
  std::size_t pos_ = 0;
  std::uint64_t buffer_start_ = 0;  // absolute offset of buffer_[0]
  std::uint64_t line_ = 1, line_start_ = 0;
  bool eof_ = false;

  NodeFields fields_;
  std::size_t pending_inputs_begin_ = 0;
  // Net sinks in net order: a node, or -1 - k for the name unresolved_names_.get(k).
  std::vector<NodeId> inputs_;
  StringArena unresolved_names_;
  NameTable<ArenaStringOf> unresolved_index_;
  std::vector<Position> first_use_;  // of each unresolved name by a kept input; line 0: none yet
  std::vector<std::int32_t> first_used_here_;  // names whose first use is in the current node
  StringArena references_;                     // pin owners' names
  std::vector<PendingReference> owners_;
  std::vector<PendingNet> nets_;
  std::vector<std::pair<std::size_t, double>> net_weights_;  // (net, weight) where weight != 1
};

}  // namespace

Status read_ct_netlist(const std::string& path, Netlist* out) {
  std::unique_ptr<ChunkSource> source;
  Status status = internal::open_chunk_source(path, &source);
  if (!status.ok()) return status;
  *out = Netlist();
  return CtReader(std::move(source), path, out).read();
}

Status parse_ct_netlist(std::string_view text, const std::string& file_label, Netlist* out) {
  *out = Netlist();
  return CtReader(std::make_unique<StringChunkSource>(text), file_label, out).read();
}

}  // namespace macroplace::netlist
