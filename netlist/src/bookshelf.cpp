// Bookshelf reader and writer (FORMATS.md section 3).
//
// Reading order: .aux, then .scl (the row height decides node classes), .nodes, .pl, .wts, .nets.
// Every file is read whole and tokenized line by line into string_views; ':' is always a token of
// its own, so `NumNodes:12752`, `NumNodes :12752` and `NumNodes : 12752` read alike. Node names
// therefore cannot contain ':' (no benchmark's do).
//
// Modelling choices (see also bookshelf.h):
// - Node classes: the row height is the most common row height of the .scl (the smallest of the
//   most common ones on a tie); without rows it is the smallest height of a non-terminal node, and
//   without those it is infinite (every terminal is then a port). A terminal (`terminal` or
//   `terminal_NI`) whose width and height are both <= the row height is a port, a larger one a
//   fixed hard macro; a non-terminal node taller than the row height is a hard macro, any other
//   node a std cell. Terminals are fixed, and so are nodes marked /FIXED or /FIXED_NI in the .pl.
// - Node order: the .nodes nodes in file order, then the hard-macro pins in the order the nets
//   create them. Every connection of a net to a hard macro becomes a new kHardMacroPin node named
//   `<macro>/P<k>` (k counts that macro's pins from 0) with the .nets offset (from the centre, N
//   frame). Connections to ports and std cells name the node itself and their .nets offsets are
//   dropped: Circuit Training netlists have no std-cell or port pins.
// - Net driver: the first `O` terminal (the electrical driver, even when that cell drives other
//   nets too); a net without `O` gets a terminal that drives nothing else, by a maximum matching
//   (choose_drivers), else its first terminal. The driver goes first, the other terminals follow
//   in file order, and pin nodes are created in that final order, so writing (driver as `O`,
//   the rest as `I`) and reading back reproduces the same nodes and nets.
// - Nodes missing from the .pl keep their lower-left corner at (0, 0), orientation N.
// - Canvas: the bounding box of the rows, a row spanning [SubrowOrigin, SubrowOrigin + NumSites *
//   Sitespacing] x [Coordinate, Coordinate + Height]. Unset when there is no .scl or it has no
//   rows.
// - .wts (read before .nets): a line `name weight` sets the weight of the nets with that
//   NetDegree name (ISPD2005 net weights); names that match no net are ignored. Lines naming a
//   node are node weights (ICCAD04) and are not checked; they only apply to a net of the same
//   name when their weight is a positive number. Other weights must be positive numbers.
//
// Writing: .nodes and .pl list the non-pin nodes in index order (ports and fixed hard macros as
// `terminal`; every fixed node gets /FIXED, ISPD2005 style; positions as lower-left corners in
// shortest round-trip form); .nets writes every terminal with an offset, the driver as `O` and the
// rest as `I`, a pin as `<owner> O|I : dx dy`, any other node with `: 0 0`; unnamed nets are
// named `n<index>`; .wts lists the weights other than 1; .scl writes netlist.rows, or, without
// rows but with a canvas, synthesised rows (see write_bookshelf); the .aux goes last.
// Writing loses what Bookshelf cannot say: pin nodes are not nodes in Bookshelf, so a pin becomes
// its owner plus offset on the net line and pin names are regenerated on reading; pins that are
// on no net are lost; soft macros are written as movable nodes and read back as hard macros or std
// cells; a node reads back in the class its size and terminal flag imply (e.g. a fixed hard macro
// no larger than a row reads back as a port, a port larger than a row as a fixed hard macro, every
// port as fixed); a hard macro that is not taller than the row height reads back as a std cell;
// ref names, port sides, metadata, blockages and the block name are not written. Only netlists as
// read_bookshelf() builds them round-trip exactly.
#include "macroplace/netlist/bookshelf.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "macroplace/base/atomic_file.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

using internal::append_number;

using internal::error_at;
using internal::LineReader;
using internal::parse_int64;
using internal::quote;
using internal::Token;

constexpr std::int64_t kMaxNodes = std::numeric_limits<std::int32_t>::max() - 1;

// ---------------------------------------------------------------------------------------------
// Tokenizing

// Byte classes for tokenize: blanks separate tokens, ':' is a token of its own, anything else is
// part of a token.
enum class CharClass : std::uint8_t { kOther, kBlank, kColon };

constexpr std::array<CharClass, 256> make_char_classes() {
  std::array<CharClass, 256> classes{};
  for (const unsigned char c : {' ', '\t', '\r', '\f', '\v'}) classes[c] = CharClass::kBlank;
  classes[':'] = CharClass::kColon;
  return classes;
}
constexpr std::array<CharClass, 256> kCharClasses = make_char_classes();

CharClass char_class(char c) {
  return kCharClasses[static_cast<unsigned char>(c)];
}

// Splits a line at spaces and tabs; ':' is a token of its own; a token starting with '#' starts a
// comment that runs to the end of the line.
void tokenize(std::string_view line, std::vector<Token>* tokens) {
  tokens->clear();
  const char* const begin = line.data();
  const char* const end = begin + line.size();
  const char* p = begin;
  while (true) {
    while (p != end && char_class(*p) == CharClass::kBlank) ++p;
    if (p == end || *p == '#') return;
    const char* const start = p;
    if (char_class(*p) == CharClass::kColon) {
      ++p;
    } else {
      while (p != end && char_class(*p) == CharClass::kOther) ++p;
    }
    tokens->push_back({std::string_view(start, static_cast<std::size_t>(p - start)),
                       static_cast<std::uint64_t>(start - begin) + 1});
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

// One input file being parsed: its text, its lines and the current line's tokens.
class FileCursor {
 public:
  FileCursor(std::string path, internal::FileText text)
      : path_(std::move(path)), text_(std::move(text)), reader_(text_.view()) {}

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_.view(); }
  std::size_t size() const { return text_.size(); }

  // Advances to the next line that holds tokens. Returns false at the end of the file.
  bool next() {
    std::string_view line;
    while (reader_.next(&line, &line_)) {
      tokenize(line, &tokens_);
      if (!tokens_.empty()) return true;
    }
    return false;
  }
  // Skips a leading `UCLA <kind> 1.0` line; leaves the cursor on the first body line.
  bool next_after_header() {
    if (!next()) return false;
    if (iequals(tokens_[0].text, "UCLA")) return next();
    return true;
  }

  const std::vector<Token>& tokens() const { return tokens_; }
  std::uint64_t line() const { return line_; }

  Status error(std::size_t token, const std::string& message) const {
    const std::uint64_t column = token < tokens_.size() ? tokens_[token].column : 0;
    return error_at(path_, line_, column, message);
  }
  // An error at the end of the file (truncation).
  Status error_at_end(const std::string& message) const {
    return error_at(path_, line_ == 0 ? 1 : line_, 0, message);
  }
  Status unexpected(std::size_t token, std::string_view what) const {
    return error(token, "expected " + std::string(what) + ", found " +
                            (token < tokens_.size() ? quote(tokens_[token].text)
                                                    : std::string("the end of the line")));
  }

  // `Keyword : value` helpers. `*index` is the keyword's token; on success it points past the
  // value. The ':' is optional.
  bool is_keyword_line(std::string_view keyword) const {
    return !tokens_.empty() && iequals(tokens_[0].text, keyword);
  }
  Status value_index(std::size_t* index, std::string_view what) const {
    std::size_t i = *index + 1;
    if (i < tokens_.size() && tokens_[i].text == ":") ++i;
    if (i >= tokens_.size()) return unexpected(i, what);
    *index = i;
    return Status();
  }
  Status number_at(std::size_t i, std::string_view what, double* out) const {
    if (i >= tokens_.size() || !parse_number(tokens_[i].text, out)) {
      return unexpected(i, "a number for " + std::string(what));
    }
    return Status();
  }
  Status count_at(std::size_t i, std::string_view what, std::int64_t* out) const {
    if (i >= tokens_.size() || !parse_int64(tokens_[i].text, out) || *out < 0) {
      return unexpected(i, "a non-negative integer for " + std::string(what));
    }
    return Status();
  }
  Status expect_end(std::size_t i) const {
    if (i < tokens_.size()) return unexpected(i, "the end of the line");
    return Status();
  }
  // `Keyword : <count>` with nothing after it.
  Status keyword_count(std::string_view what, std::int64_t* out) const {
    std::size_t i = 0;
    Status status = value_index(&i, "a count for " + std::string(what));
    if (status.ok()) status = count_at(i, what, out);
    if (status.ok()) status = expect_end(i + 1);
    return status;
  }

 private:
  std::string path_;
  internal::FileText text_;
  LineReader reader_;
  std::vector<Token> tokens_;
  std::uint64_t line_ = 0;
};

// Node name -> node index, open addressing with linear probing. The keys are the netlist's own
// names (no copy); one probe touches one 8-byte slot and, on a hash match, the name.
class NameMap {
 public:
  explicit NameMap(const Netlist& netlist) : netlist_(netlist) {}

  void reserve(std::size_t count) {
    if (count * 2 > slots_.size()) rehash(count * 2);
  }
  std::int32_t find(std::string_view name) const {
    if (slots_.empty()) return -1;
    const std::uint64_t hash = hash_of(name);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) return -1;
      const auto index = static_cast<std::int32_t>(slot & 0xffffffffu) - 1;
      if ((slot >> 32) == (hash >> 32) && netlist_.name(index) == name) return index;
    }
  }
  // Adds `name` as the node the caller adds next (index size()). Returns false if it is there
  // already.
  bool insert(std::string_view name) {
    if (find(name) >= 0) return false;
    if ((size_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(16, slots_.size() * 2));
    ++size_;
    place(hash_of(name), static_cast<std::uint32_t>(size_));
    return true;
  }
  std::size_t size() const { return size_; }

 private:
  static std::uint64_t hash_of(std::string_view name) {
    // std::hash mixes well in the low bits; the high 32 bits are kept in the slot as a filter.
    const std::uint64_t h = std::hash<std::string_view>()(name);
    return h ^ (h << 32) ^ (h >> 29);
  }
  void place(std::uint64_t hash, std::uint32_t index_plus_one) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(hash) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (hash & 0xffffffff00000000u) | index_plus_one;
  }
  void rehash(std::size_t minimum) {
    std::size_t capacity = 16;
    while (capacity < minimum) capacity *= 2;
    slots_.assign(capacity, 0);
    for (std::size_t k = 0; k < size_; ++k) {
      place(hash_of(netlist_.name(static_cast<NodeId>(k))), static_cast<std::uint32_t>(k + 1));
    }
  }

  const Netlist& netlist_;
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

// Net weights by name, from a .wts that read_wts has checked. They only matter for named nets,
// and most benchmarks name none, so the file is indexed on first use; until then nothing is
// stored. A later line for the same name wins.
class WeightMap {
 public:
  WeightMap() = default;
  explicit WeightMap(std::string_view wts_text) : text_(wts_text) {}

  // The weight of `name`, or `otherwise` when no line names it.
  double find(std::string_view name, double otherwise) const {
    if (!indexed_) build_index();
    const auto it = index_.find(name);
    return it == index_.end() ? otherwise : it->second;
  }

 private:
  // Every line `name weight` with a positive weight: in a checked file these are the net weights
  // and the node weights that may also name a net (see read_wts).
  void build_index() const {
    indexed_ = true;
    LineReader reader(text_);
    std::string_view line;
    std::uint64_t line_number = 0;
    std::vector<Token> tokens;
    bool header = true;
    while (reader.next(&line, &line_number)) {
      tokenize(line, &tokens);
      if (tokens.empty()) continue;
      if (header) {
        header = false;
        if (iequals(tokens[0].text, "UCLA")) continue;
      }
      double weight = 0;
      if (tokens.size() >= 2 && parse_number(tokens[1].text, &weight) && weight > 0) {
        index_[tokens[0].text] = weight;
      }
    }
  }

  std::string_view text_;
  mutable std::unordered_map<std::string_view, double> index_;
  mutable bool indexed_ = false;
};

Status open_file(const std::string& path, std::unique_ptr<FileCursor>* out) {
  internal::FileText text;
  Status status = internal::read_file_text(path, &text);
  if (!status.ok()) return status;
  *out = std::make_unique<FileCursor>(path, std::move(text));
  return Status();
}

// NumPins from the header of a .nets, or 0 when the header has none. Only a hint for sizing
// arrays (read_nets checks the file), never more than the file could hold.
std::int64_t declared_pins_hint(const FileCursor& nets) {
  LineReader reader(nets.text());
  std::string_view line;
  std::uint64_t line_number = 0;
  std::vector<Token> tokens;
  while (reader.next(&line, &line_number)) {
    tokenize(line, &tokens);
    if (tokens.empty()) continue;
    if (iequals(tokens[0].text, "NetDegree")) return 0;
    if (!iequals(tokens[0].text, "NumPins")) continue;
    const std::size_t i = tokens.size() > 1 && tokens[1].text == ":" ? 2 : 1;
    std::int64_t pins = 0;
    if (i >= tokens.size() || !parse_int64(tokens[i].text, &pins) || pins < 0) return 0;
    return std::min(pins, static_cast<std::int64_t>(nets.size() / 2));
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// .aux

// A file the .aux names, with where the .aux names it (for errors opening it).
struct AuxFile {
  std::string path;  // empty when the .aux names no such file
  std::string name;  // as written in the .aux
  std::uint64_t line = 0, column = 0;
};

struct AuxFiles {
  std::string aux_path;
  AuxFile nodes, nets, wts, pl, scl;
};

Status open_aux_file(const AuxFiles& files, const AuxFile& file, std::unique_ptr<FileCursor>* out) {
  Status status = open_file(file.path, out);
  if (status.ok()) return status;
  return error_at(files.aux_path, file.line, file.column,
                  "cannot read " + quote(file.name) + ": " + status.message());
}

Status read_aux(const std::string& aux_path, AuxFiles* files) {
  files->aux_path = aux_path;
  std::unique_ptr<FileCursor> aux;
  Status status = open_file(aux_path, &aux);
  if (!status.ok()) return status;
  if (!aux->next()) {
    return aux->error_at_end("expected 'RowBasedPlacement : <design>.nodes <design>.nets ...'");
  }
  const auto& tokens = aux->tokens();
  if (tokens.size() < 2 || tokens[1].text != ":") {
    return aux->unexpected(1, "':' after " + quote(tokens[0].text));
  }
  const std::filesystem::path folder = std::filesystem::path(aux_path).parent_path();
  struct Slot {
    std::string_view extension;
    AuxFile* file;
  };
  const Slot slots[] = {{".nodes", &files->nodes},
                        {".nets", &files->nets},
                        {".wts", &files->wts},
                        {".pl", &files->pl},
                        {".scl", &files->scl}};
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    for (const Slot& slot : slots) {
      if (!ends_with(tokens[i].text, slot.extension)) continue;
      if (!slot.file->path.empty()) {
        return aux->error(
            i, "a second " + std::string(slot.extension) + " file " + quote(tokens[i].text));
      }
      slot.file->path = (folder / std::string(tokens[i].text)).string();
      slot.file->name = std::string(tokens[i].text);
      slot.file->line = aux->line();
      slot.file->column = tokens[i].column;
    }
    // Files of other kinds (.shapes, .route, ...) are not needed here.
  }
  if (files->nodes.path.empty()) return aux->error(0, "expected a .nodes file in the list");
  if (files->nets.path.empty()) return aux->error(0, "expected a .nets file in the list");
  if (files->pl.path.empty()) return aux->error(0, "expected a .pl file in the list");
  if (aux->next()) return aux->error(0, "expected one line naming the files, found a second");
  return Status();
}

// ---------------------------------------------------------------------------------------------
// .scl

Status read_scl(const AuxFiles& files, std::vector<Row>* rows) {
  std::unique_ptr<FileCursor> file;
  Status status = open_aux_file(files, files.scl, &file);
  if (!status.ok()) return status;
  FileCursor& f = *file;
  std::int64_t declared = -1;
  std::uint64_t declared_line = 0;
  bool more = f.next_after_header();
  while (more) {
    const auto& tokens = f.tokens();
    if (f.is_keyword_line("NumRows")) {
      if (declared >= 0) return f.error(0, "a second NumRows");
      status = f.keyword_count("the number of rows", &declared);
      if (!status.ok()) return status;
      declared_line = f.line();
      more = f.next();
      continue;
    }
    if (!f.is_keyword_line("CoreRow")) return f.unexpected(0, "'CoreRow Horizontal' or NumRows");
    if (declared < 0) return f.error(0, "expected NumRows before the first CoreRow");
    if (tokens.size() < 2 || !iequals(tokens[1].text, "Horizontal")) {
      return f.unexpected(1, "'Horizontal' (only horizontal rows are supported)");
    }
    status = f.expect_end(2);
    if (!status.ok()) return status;
    if (static_cast<std::int64_t>(rows->size()) >= declared) {
      return f.error(0, "more rows than NumRows : " + std::to_string(declared) + " (line " +
                            std::to_string(declared_line) + ")");
    }
    Row row;
    bool have_y = false, have_height = false, have_origin = false;
    while (true) {
      if (!f.next()) return f.error_at_end("file ends inside a CoreRow block (expected End)");
      if (f.is_keyword_line("End")) {
        status = f.expect_end(1);
        if (!status.ok()) return status;
        break;
      }
      const std::string_view key = tokens[0].text;
      std::size_t i = 0;
      if (iequals(key, "Coordinate") || iequals(key, "Height") || iequals(key, "Sitewidth") ||
          iequals(key, "Sitespacing")) {
        status = f.value_index(&i, "a number for " + std::string(key));
        double value = 0;
        if (status.ok()) status = f.number_at(i, key, &value);
        if (status.ok()) status = f.expect_end(i + 1);
        if (!status.ok()) return status;
        if (iequals(key, "Coordinate")) {
          row.y = value;
          have_y = true;
        } else {
          if (value <= 0) return f.unexpected(i, "a positive number for " + std::string(key));
          if (iequals(key, "Height")) {
            row.height = value;
            have_height = true;
          } else if (iequals(key, "Sitewidth")) {
            row.site_width = value;
          } else {
            row.site_spacing = value;
          }
        }
      } else if (iequals(key, "Siteorient") || iequals(key, "Sitesymmetry")) {
        status = f.value_index(&i, "a value for " + std::string(key));
        if (status.ok()) status = f.expect_end(i + 1);
        if (!status.ok()) return status;
        (iequals(key, "Siteorient") ? row.site_orient : row.site_symmetry) =
            std::string(tokens[i].text);
      } else if (iequals(key, "SubrowOrigin")) {
        status = f.value_index(&i, "a number for SubrowOrigin");
        if (status.ok()) status = f.number_at(i, "SubrowOrigin", &row.origin_x);
        if (!status.ok()) return status;
        ++i;
        if (i >= tokens.size() || !iequals(tokens[i].text, "NumSites")) {
          return f.unexpected(i, "NumSites");
        }
        status = f.value_index(&i, "a count for NumSites");
        if (status.ok()) status = f.count_at(i, "NumSites", &row.num_sites);
        if (status.ok()) status = f.expect_end(i + 1);
        if (!status.ok()) return status;
        have_origin = true;
      } else {
        return f.unexpected(0,
                            "a row field (Coordinate, Height, Sitewidth, Sitespacing, "
                            "Siteorient, Sitesymmetry, SubrowOrigin) or End");
      }
    }
    if (!have_y) return f.error(0, "row has no Coordinate");
    if (!have_height) return f.error(0, "row has no Height");
    if (!have_origin) return f.error(0, "row has no SubrowOrigin");
    if (!std::isfinite(row.origin_x + static_cast<double>(row.num_sites) * row.site_spacing) ||
        !std::isfinite(row.y + row.height)) {
      return f.error(0, "row extends beyond the range of numbers");
    }
    rows->push_back(std::move(row));
    more = f.next();
  }
  if (declared < 0) return f.error_at_end("expected NumRows");
  if (static_cast<std::int64_t>(rows->size()) != declared) {
    return f.error_at_end("file ends after " + std::to_string(rows->size()) +
                          " rows, NumRows : " + std::to_string(declared) + " (line " +
                          std::to_string(declared_line) + ")");
  }
  return Status();
}

double most_common_row_height(const std::vector<Row>& rows) {
  std::map<double, std::int64_t> count;
  for (const Row& row : rows) ++count[row.height];
  double best = 0;
  std::int64_t best_count = 0;
  for (const auto& [height, n] : count) {  // ascending: ties keep the smaller height
    if (n > best_count) {
      best = height;
      best_count = n;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// .nodes

// `expected_pins`: how many pin nodes the .nets will add (an estimate), so that the node arrays
// are allocated once.
Status read_nodes(FileCursor& f, std::int64_t expected_pins, Netlist* netlist, NameMap* names,
                  std::vector<std::uint8_t>* is_terminal) {
  Status status;
  std::int64_t declared_nodes = -1, declared_terminals = -1;
  std::uint64_t nodes_line = 0, terminals_line = 0;
  std::int64_t terminals = 0;
  bool more = f.next_after_header();
  while (more) {
    const auto& tokens = f.tokens();
    const bool keyword = tokens.size() >= 2 && tokens[1].text == ":";
    if (keyword && f.is_keyword_line("NumNodes")) {
      if (declared_nodes >= 0) return f.error(0, "a second NumNodes");
      status = f.keyword_count("the number of nodes", &declared_nodes);
      if (!status.ok()) return status;
      nodes_line = f.line();
      if (declared_nodes > kMaxNodes) return f.error(2, "too many nodes");
      // Every node line takes a few bytes: never reserve more than the file can hold.
      const auto cap = static_cast<std::int64_t>(f.size() / 6 + 16);
      const auto reserve = static_cast<std::size_t>(std::min(declared_nodes, cap));
      const auto with_pins = reserve + static_cast<std::size_t>(expected_pins);
      netlist->reserve(with_pins, with_pins * 8);
      names->reserve(reserve);
      is_terminal->reserve(reserve);
    } else if (keyword && f.is_keyword_line("NumTerminals")) {
      if (declared_terminals >= 0) return f.error(0, "a second NumTerminals");
      status = f.keyword_count("the number of terminals", &declared_terminals);
      if (!status.ok()) return status;
      terminals_line = f.line();
    } else {
      if (declared_nodes < 0) return f.error(0, "expected NumNodes before the first node");
      if (declared_terminals < 0) return f.error(0, "expected NumTerminals before the first node");
      if (netlist->num_nodes() >= declared_nodes) {
        return f.error(0, "more nodes than NumNodes : " + std::to_string(declared_nodes) +
                              " (line " + std::to_string(nodes_line) + ")");
      }
      const std::string_view name = tokens[0].text;
      double width = 0, height = 0;
      status = f.number_at(1, "the width", &width);
      if (status.ok()) status = f.number_at(2, "the height", &height);
      if (!status.ok()) return status;
      if (width < 0) return f.unexpected(1, "a non-negative width");
      if (height < 0) return f.unexpected(2, "a non-negative height");
      bool terminal = false;
      if (tokens.size() > 3) {
        if (tokens[3].text == "terminal" || tokens[3].text == "terminal_NI") {
          terminal = true;
        } else {
          return f.unexpected(3, "'terminal', 'terminal_NI' or the end of the line");
        }
        status = f.expect_end(4);
        if (!status.ok()) return status;
      }
      if (!names->insert(name)) {
        return f.error(0, "duplicate node name " + quote(name));
      }
      netlist->add_node(NodeKind::kStdCell, name, width, height, width / 2, height / 2);
      is_terminal->push_back(terminal ? 1 : 0);
      terminals += terminal ? 1 : 0;
      if (terminals > declared_terminals) {
        return f.error(3,
                       "more terminals than NumTerminals : " + std::to_string(declared_terminals) +
                           " (line " + std::to_string(terminals_line) + ")");
      }
    }
    more = f.next();
  }
  if (declared_nodes < 0) return f.error_at_end("expected NumNodes");
  if (declared_terminals < 0) return f.error_at_end("expected NumTerminals");
  if (netlist->num_nodes() != declared_nodes) {
    return f.error_at_end("file ends after " + std::to_string(netlist->num_nodes()) +
                          " nodes, NumNodes : " + std::to_string(declared_nodes) + " (line " +
                          std::to_string(nodes_line) + ")");
  }
  if (terminals != declared_terminals) {
    return f.error_at_end("file lists " + std::to_string(terminals) +
                          " terminals, NumTerminals : " + std::to_string(declared_terminals) +
                          " (line " + std::to_string(terminals_line) + ")");
  }
  return Status();
}

void classify(const std::vector<Row>& rows, const std::vector<std::uint8_t>& is_terminal,
              Netlist* netlist) {
  double row_height = std::numeric_limits<double>::infinity();
  if (!rows.empty()) {
    row_height = most_common_row_height(rows);
  } else {
    for (NodeId i = 0; i < netlist->num_nodes(); ++i) {
      if (!is_terminal[i]) row_height = std::min(row_height, netlist->height(i));
    }
  }
  for (NodeId i = 0; i < netlist->num_nodes(); ++i) {
    const double w = netlist->width(i), h = netlist->height(i);
    if (is_terminal[i]) {
      netlist->set_kind(
          i, w <= row_height && h <= row_height ? NodeKind::kPort : NodeKind::kHardMacro);
      netlist->set_fixed(i, true);
    } else {
      netlist->set_kind(i, h > row_height ? NodeKind::kHardMacro : NodeKind::kStdCell);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// .pl

Status read_pl(FileCursor& f, const NameMap& names, Netlist* netlist) {
  Status status;
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(netlist->num_nodes()), 0);
  bool more = f.next_after_header();
  while (more) {
    const auto& tokens = f.tokens();
    const NodeId node = names.find(tokens[0].text);
    if (node < 0) return f.error(0, "unknown node " + quote(tokens[0].text));
    if (seen[node]) return f.error(0, "a second position for node " + quote(tokens[0].text));
    seen[node] = 1;
    double x = 0, y = 0;
    status = f.number_at(1, "the x coordinate", &x);
    if (status.ok()) status = f.number_at(2, "the y coordinate", &y);
    if (!status.ok()) return status;
    std::size_t i = 3;
    Orientation orientation = Orientation::kN;
    if (i < tokens.size() && tokens[i].text == ":") {
      ++i;
      const std::optional<Orientation> parsed =
          i < tokens.size() ? parse_orientation(tokens[i].text) : std::nullopt;
      if (!parsed) return f.unexpected(i, "an orientation (N, S, E, W, FN, FS, FE, FW)");
      orientation = *parsed;
      ++i;
    }
    if (i < tokens.size()) {
      if (tokens[i].text == "/FIXED" || tokens[i].text == "/FIXED_NI") {
        netlist->set_fixed(node, true);
        ++i;
      } else {
        return f.unexpected(i, "': <orientation>', '/FIXED', '/FIXED_NI' or the end of the line");
      }
    }
    status = f.expect_end(i);
    if (!status.ok()) return status;
    netlist->set_orientation(node, orientation);
    const double cx = x + netlist->placed_width(node) / 2;
    const double cy = y + netlist->placed_height(node) / 2;
    if (!std::isfinite(cx) || !std::isfinite(cy)) {
      return f.error(1, "node centre is beyond the range of numbers");
    }
    netlist->set_position(node, cx, cy);
    more = f.next();
  }
  return Status();
}

// ---------------------------------------------------------------------------------------------
// .nets

// One terminal of a net as read. Only terminals on hard macros, which become pin nodes, need an
// offset and a line; they keep them in a MacroTerminal so that the common case stays small.
struct Connection {
  NodeId node;
  std::int32_t macro_terminal;  // into ParsedNets::macro_terminals, or -1
  bool output;                  // direction O
};

struct MacroTerminal {
  double dx, dy;  // from the macro's centre, N frame
  std::uint64_t line;
};

// The nets as read, before their drivers are chosen: net n has the connections
// [begin[n], begin[n + 1]).
struct ParsedNets {
  std::vector<std::size_t> begin{0};
  std::vector<Connection> connections;
  std::vector<MacroTerminal> macro_terminals;
  std::vector<std::pair<std::size_t, std::string_view>> names;  // named nets only, in order
  std::size_t size() const { return begin.size() - 1; }
};

// Maximum bipartite matching (Hopcroft-Karp) of left vertices to right vertices, starting from
// the greedy matching in adjacency order, so earlier candidates are preferred where that costs
// nothing. adjacency_begin has one entry per left vertex plus one.
void maximum_matching(const std::vector<std::size_t>& adjacency_begin,
                      const std::vector<std::int32_t>& adjacency, std::int32_t num_right,
                      std::vector<std::int32_t>* match_left) {
  constexpr std::int32_t kUnreached = INT32_MAX;
  const std::int32_t num_left = static_cast<std::int32_t>(adjacency_begin.size()) - 1;
  std::vector<std::int32_t>& left = *match_left;
  left.assign(static_cast<std::size_t>(num_left), -1);
  std::vector<std::int32_t> right(static_cast<std::size_t>(num_right), -1);
  for (std::int32_t u = 0; u < num_left; ++u) {
    for (std::size_t e = adjacency_begin[u]; e < adjacency_begin[u + 1]; ++e) {
      if (right[adjacency[e]] < 0) {
        left[u] = adjacency[e];
        right[adjacency[e]] = u;
        break;
      }
    }
  }
  std::vector<std::int32_t> layer(static_cast<std::size_t>(num_left)), queue, stack;
  std::vector<std::size_t> next_edge(static_cast<std::size_t>(num_left));
  while (true) {
    // Layers by breadth-first search from the unmatched left vertices.
    queue.clear();
    for (std::int32_t u = 0; u < num_left; ++u) {
      layer[u] = left[u] < 0 ? 0 : kUnreached;
      if (left[u] < 0) queue.push_back(u);
    }
    bool augmentable = false;
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const std::int32_t u = queue[q];
      for (std::size_t e = adjacency_begin[u]; e < adjacency_begin[u + 1]; ++e) {
        const std::int32_t w = right[adjacency[e]];
        if (w < 0) {
          augmentable = true;
        } else if (layer[w] == kUnreached) {
          layer[w] = layer[u] + 1;
          queue.push_back(w);
        }
      }
    }
    if (!augmentable) return;
    // Vertex-disjoint shortest augmenting paths by iterative depth-first search.
    for (std::int32_t u = 0; u < num_left; ++u) next_edge[u] = adjacency_begin[u];
    for (std::int32_t start = 0; start < num_left; ++start) {
      if (left[start] >= 0) continue;
      stack.assign(1, start);
      while (!stack.empty()) {
        const std::int32_t u = stack.back();
        if (next_edge[u] == adjacency_begin[u + 1]) {
          layer[u] = kUnreached;  // dead end for the rest of this phase
          stack.pop_back();
          continue;
        }
        const std::int32_t w = right[adjacency[next_edge[u]]];
        if (w < 0) {
          for (const std::int32_t v : stack) {
            left[v] = adjacency[next_edge[v]];
            right[left[v]] = v;
          }
          break;
        }
        if (layer[w] == layer[u] + 1) {
          stack.push_back(w);
        } else {
          ++next_edge[u];
        }
      }
    }
  }
}

// Chooses each net's driver (an index into all_connections). Circuit Training lets a node drive
// one net, so drivers should be distinct nodes where possible:
// - a net with an `O` terminal is driven by its first `O` terminal, whatever else it drives
//   (this is also what makes a file we wrote read back with the same drivers);
// - the other nets get drivers by a maximum matching of nets to terminals that drive nothing
//   yet, preferring earlier terminals; every connection to a hard macro becomes a pin of its own
//   and so is always available;
// - a net left unmatched (ibm01 has a few hundred: no matching can avoid them) is driven by its
//   first terminal; the Circuit Training writer keeps such extra nets (see ct_netlist.h).
std::vector<std::size_t> choose_drivers(const ParsedNets& nets, NodeId num_plain) {
  const std::vector<Connection>& connections = nets.connections;
  std::vector<std::size_t> drivers(nets.size());
  std::vector<std::uint8_t> taken(static_cast<std::size_t>(num_plain), 0);
  std::vector<std::size_t> open_nets;
  open_nets.reserve(nets.size());
  for (std::size_t n = 0; n < nets.size(); ++n) {
    drivers[n] = nets.begin[n];
    bool has_output = false;
    for (std::size_t k = nets.begin[n]; k < nets.begin[n + 1] && !has_output; ++k) {
      if (connections[k].output) {
        drivers[n] = k;
        has_output = true;
        if (connections[k].macro_terminal < 0) taken[connections[k].node] = 1;
      }
    }
    if (!has_output) open_nets.push_back(n);
  }
  // Right vertices: plain nodes by id; each hard-macro connection has its own id after them.
  auto right_id = [&](std::size_t k) -> std::int32_t {
    const Connection& c = connections[k];
    if (c.macro_terminal >= 0) return num_plain + c.macro_terminal;
    return taken[c.node] ? -1 : c.node;
  };
  std::vector<std::size_t> adjacency_begin;
  adjacency_begin.reserve(open_nets.size() + 1);
  adjacency_begin.push_back(0);
  std::vector<std::int32_t> adjacency;
  adjacency.reserve(connections.size());
  for (const std::size_t n : open_nets) {
    for (std::size_t k = nets.begin[n]; k < nets.begin[n + 1]; ++k) {
      const std::int32_t id = right_id(k);
      if (id >= 0) adjacency.push_back(id);
    }
    adjacency_begin.push_back(adjacency.size());
  }
  std::vector<std::int32_t> matched;
  maximum_matching(adjacency_begin, adjacency,
                   num_plain + static_cast<std::int32_t>(nets.macro_terminals.size()), &matched);
  for (std::size_t i = 0; i < open_nets.size(); ++i) {
    const std::size_t n = open_nets[i];
    if (matched[i] < 0) continue;  // keeps its first terminal
    for (std::size_t k = nets.begin[n]; k < nets.begin[n + 1]; ++k) {
      if (right_id(k) == matched[i]) {
        drivers[n] = k;
        break;
      }
    }
  }
  return drivers;
}

Status read_nets(FileCursor& f, const NameMap& names, const WeightMap& weights, Netlist* netlist) {
  Status status;
  const NodeId num_plain = netlist->num_nodes();
  std::int64_t declared_nets = -1, declared_pins = -1;
  std::uint64_t nets_line = 0, pins_line = 0;
  std::int64_t pins = 0;
  ParsedNets nets;

  bool more = f.next_after_header();
  while (more) {
    const auto& tokens = f.tokens();
    const bool keyword = tokens.size() >= 2 && tokens[1].text == ":";
    if (keyword && f.is_keyword_line("NumNets")) {
      if (declared_nets >= 0) return f.error(0, "a second NumNets");
      status = f.keyword_count("the number of nets", &declared_nets);
      if (!status.ok()) return status;
      nets_line = f.line();
      // A net takes at least two lines: never reserve more than the file can hold.
      const auto cap = static_cast<std::int64_t>(f.size() / 8 + 16);
      nets.begin.reserve(static_cast<std::size_t>(std::min(declared_nets, cap)) + 1);
      more = f.next();
      continue;
    }
    if (keyword && f.is_keyword_line("NumPins")) {
      if (declared_pins >= 0) return f.error(0, "a second NumPins");
      status = f.keyword_count("the number of pins", &declared_pins);
      if (!status.ok()) return status;
      pins_line = f.line();
      const auto cap = static_cast<std::int64_t>(f.size() / 2 + 16);
      nets.connections.reserve(static_cast<std::size_t>(std::min(declared_pins, cap)));
      more = f.next();
      continue;
    }
    if (!f.is_keyword_line("NetDegree")) return f.unexpected(0, "NetDegree");
    if (declared_nets < 0) return f.error(0, "expected NumNets before the first net");
    if (declared_pins < 0) return f.error(0, "expected NumPins before the first net");
    if (static_cast<std::int64_t>(nets.size()) >= declared_nets) {
      return f.error(0, "more nets than NumNets : " + std::to_string(declared_nets) + " (line " +
                            std::to_string(nets_line) + ")");
    }
    std::size_t i = 0;
    std::int64_t degree = 0;
    status = f.value_index(&i, "a net degree");
    if (status.ok()) status = f.count_at(i, "the net degree", &degree);
    if (!status.ok()) return status;
    if (degree == 0) return f.unexpected(i, "a positive net degree");
    const std::uint64_t degree_line = f.line();
    if (i + 1 < tokens.size()) {
      nets.names.emplace_back(nets.size(), tokens[i + 1].text);
      status = f.expect_end(i + 2);
      if (!status.ok()) return status;
    }
    pins += degree;
    if (pins > declared_pins) {
      return f.error(i, "more pins than NumPins : " + std::to_string(declared_pins) + " (line " +
                            std::to_string(pins_line) + ")");
    }

    for (std::int64_t k = 0; k < degree; ++k) {
      auto lacking = [&] {
        return "net on line " + std::to_string(degree_line) + " has " + std::to_string(k) +
               " of its NetDegree " + std::to_string(degree) + " pins";
      };
      if (!f.next()) return f.error_at_end("file ends: " + lacking());
      if (f.is_keyword_line("NetDegree")) return f.error(0, lacking() + ", found NetDegree");
      const NodeId node = names.find(tokens[0].text);
      if (node < 0) return f.error(0, "unknown node " + quote(tokens[0].text));
      char direction = 'B';
      double dx = 0, dy = 0;
      std::size_t j = 1;
      if (j < tokens.size() && tokens[j].text != ":") {
        const std::string_view d = tokens[j].text;
        if (d.size() != 1 || (d[0] != 'I' && d[0] != 'O' && d[0] != 'B' && d[0] != 'i' &&
                              d[0] != 'o' && d[0] != 'b')) {
          return f.unexpected(j, "a pin direction I, O or B");
        }
        direction = static_cast<char>(d[0] & ~0x20);  // upper case
        ++j;
      }
      if (j < tokens.size()) {
        if (tokens[j].text != ":") return f.unexpected(j, "': <x offset> <y offset>'");
        status = f.number_at(j + 1, "the pin's x offset", &dx);
        if (status.ok()) status = f.number_at(j + 2, "the pin's y offset", &dy);
        if (!status.ok()) return status;
        j += 3;
      }
      status = f.expect_end(j);
      if (!status.ok()) return status;
      std::int32_t macro_terminal = -1;
      if (netlist->kind(node) == NodeKind::kHardMacro) {
        macro_terminal = static_cast<std::int32_t>(nets.macro_terminals.size());
        nets.macro_terminals.push_back({dx, dy, f.line()});
      }
      nets.connections.push_back({node, macro_terminal, direction == 'O'});
    }
    nets.begin.push_back(nets.connections.size());
    more = f.next();
  }
  if (declared_nets < 0) return f.error_at_end("expected NumNets");
  if (declared_pins < 0) return f.error_at_end("expected NumPins");
  if (static_cast<std::int64_t>(nets.size()) != declared_nets) {
    return f.error_at_end("file ends after " + std::to_string(nets.size()) +
                          " nets, NumNets : " + std::to_string(declared_nets) + " (line " +
                          std::to_string(nets_line) + ")");
  }
  if (pins != declared_pins) {
    return f.error_at_end("file lists " + std::to_string(pins) +
                          " pins, NumPins : " + std::to_string(declared_pins) + " (line " +
                          std::to_string(pins_line) + ")");
  }
  const std::vector<std::size_t> drivers = choose_drivers(nets, num_plain);
  netlist->reserve_nets(nets.size(), nets.connections.size());
  std::vector<std::int32_t> pin_count(static_cast<std::size_t>(num_plain), 0);
  std::vector<NodeId> terminals;
  std::string pin_name;
  std::size_t next_name = 0;  // into nets.names
  for (std::size_t n = 0; n < nets.size(); ++n) {
    const std::size_t begin = nets.begin[n], end = nets.begin[n + 1], driver = drivers[n];
    terminals.clear();
    // Driver first, the rest in file order; pins are created in this order so that a written
    // file (driver as O) reads back with the same node indices.
    for (std::size_t k = begin; k < end; ++k) {
      const std::size_t index = k == begin ? driver : (k <= driver ? k - 1 : k);
      const Connection& c = nets.connections[index];
      NodeId terminal = c.node;
      if (c.macro_terminal >= 0) {
        const MacroTerminal& m = nets.macro_terminals[static_cast<std::size_t>(c.macro_terminal)];
        if (netlist->num_nodes() >= kMaxNodes)
          return error_at(f.path(), m.line, 0, "too many nodes");
        pin_name.assign(netlist->name(c.node));
        char digits[16];
        const auto result = std::to_chars(digits, digits + sizeof digits, pin_count[c.node]++);
        pin_name += "/P";
        pin_name.append(digits, result.ptr);
        terminal = netlist->add_pin(c.node, NodeKind::kHardMacroPin, pin_name, m.dx, m.dy);
        double px = 0, py = 0;
        netlist->terminal_position(terminal, &px, &py);
        if (!std::isfinite(px) || !std::isfinite(py)) {
          return error_at(f.path(), m.line, 0, "pin position is beyond the range of numbers");
        }
        netlist->set_position(terminal, px, py);
      }
      terminals.push_back(terminal);
    }
    std::string_view name;
    if (next_name < nets.names.size() && nets.names[next_name].first == n) {
      name = nets.names[next_name++].second;
    }
    const double weight = name.empty() ? 1.0 : weights.find(name, 1.0);
    netlist->add_net(terminals.data(), terminals.size(), weight, name);
  }
  return Status();
}

// ---------------------------------------------------------------------------------------------
// .wts

// Checks a .wts; WeightMap reads the weights from it when a net needs one.
Status read_wts(FileCursor& f, const NameMap& node_names) {
  bool more = f.next_after_header();
  while (more) {
    const auto& tokens = f.tokens();
    // A line naming a node is most likely a node weight (ICCAD04) and is not checked; it still
    // applies to a net of the same name when its weight is positive.
    if (node_names.find(tokens[0].text) < 0) {
      double weight = 0;
      Status status = f.number_at(1, "the net weight", &weight);
      if (!status.ok()) return status;
      if (weight <= 0) return f.unexpected(1, "a positive net weight");
    }
    more = f.next();
  }
  return Status();
}

// ---------------------------------------------------------------------------------------------
// Writing

void append_int(std::string* out, std::int64_t value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, result.ptr);
}

bool writable_name(std::string_view name) {
  if (name.empty() || name[0] == '#') return false;
  for (const char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '\f' || c == '\v') {
      return false;
    }
  }
  return true;
}

Status write_text(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text);
  return file.commit();
}

}  // namespace

Status read_bookshelf(const std::string& aux_path, Netlist* out) {
  AuxFiles files;
  Status status = read_aux(aux_path, &files);
  if (!status.ok()) return status;

  Netlist netlist;
  if (!files.scl.path.empty()) {
    status = read_scl(files, &netlist.rows);
    if (!status.ok()) return status;
  }

  // The .nets header says how many pins there are, and each makes at most one pin node: knowing
  // that before the .nodes are read lets every node array be allocated once. A .nets that cannot
  // be read is reported in its usual turn, after the .nodes, .pl and .wts.
  std::unique_ptr<FileCursor> nets_file;
  Status nets_opened = open_aux_file(files, files.nets, &nets_file);
  const std::int64_t expected_pins = nets_opened.ok() ? declared_pins_hint(*nets_file) : 0;

  NameMap names(netlist);
  {
    std::unique_ptr<FileCursor> nodes_file;
    status = open_aux_file(files, files.nodes, &nodes_file);
    if (!status.ok()) return status;
    std::vector<std::uint8_t> is_terminal;
    status = read_nodes(*nodes_file, expected_pins, &netlist, &names, &is_terminal);
    if (!status.ok()) return status;
    classify(netlist.rows, is_terminal, &netlist);
  }

  {
    std::unique_ptr<FileCursor> pl_file;
    status = open_aux_file(files, files.pl, &pl_file);
    if (!status.ok()) return status;
    status = read_pl(*pl_file, names, &netlist);
    if (!status.ok()) return status;
  }

  std::unique_ptr<FileCursor> wts_file;  // its text backs the weight map's keys
  WeightMap net_weights;
  if (!files.wts.path.empty()) {
    status = open_aux_file(files, files.wts, &wts_file);
    if (!status.ok()) return status;
    status = read_wts(*wts_file, names);
    if (!status.ok()) return status;
    net_weights = WeightMap(wts_file->text());
  }

  if (!nets_opened.ok()) return nets_opened;
  status = read_nets(*nets_file, names, net_weights, &netlist);
  if (!status.ok()) return status;

  if (!netlist.rows.empty()) {
    Rect box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
             -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const Row& row : netlist.rows) {
      box.x0 = std::min(box.x0, row.origin_x);
      box.y0 = std::min(box.y0, row.y);
      box.x1 =
          std::max(box.x1, row.origin_x + static_cast<double>(row.num_sites) * row.site_spacing);
      box.y1 = std::max(box.y1, row.y + row.height);
    }
    netlist.canvas = box;
  }
  *out = std::move(netlist);
  return Status();
}

Status write_bookshelf(const Netlist& netlist, const std::string& aux_path) {
  const std::filesystem::path aux(aux_path);
  std::string stem = aux.filename().string();
  if (ends_with(stem, ".aux")) stem.resize(stem.size() - 4);
  if (stem.empty())
    return Status::error("cannot write Bookshelf: empty design name in " + aux_path);
  const std::filesystem::path folder = aux.parent_path();
  auto path_of = [&](const char* extension) { return (folder / (stem + extension)).string(); };

  for (NodeId i = 0; i < netlist.num_nodes(); ++i) {
    if (!is_pin(netlist.kind(i)) && !writable_name(netlist.name(i))) {
      return Status::error("cannot write Bookshelf: node name " + internal::quote(netlist.name(i)) +
                           " is empty or holds whitespace, ':' or a leading '#'");
    }
  }
  for (NetId n = 0; n < netlist.num_nets(); ++n) {
    const std::string_view name = netlist.net_name(n);
    if (!name.empty() && !writable_name(name)) {
      return Status::error("cannot write Bookshelf: net name " + internal::quote(name) +
                           " holds whitespace, ':' or a leading '#'");
    }
  }

  auto is_terminal = [&](NodeId i) {
    const NodeKind kind = netlist.kind(i);
    return kind == NodeKind::kPort || (kind == NodeKind::kHardMacro && netlist.fixed(i));
  };
  constexpr const char* kHeader = "# Written by macroplace\n\n";

  // .nodes
  std::string text;
  std::int64_t num_nodes = 0, num_terminals = 0;
  for (NodeId i = 0; i < netlist.num_nodes(); ++i) {
    if (is_pin(netlist.kind(i))) continue;
    ++num_nodes;
    num_terminals += is_terminal(i) ? 1 : 0;
  }
  text = "UCLA nodes 1.0\n";
  text += kHeader;
  text += "NumNodes : ";
  append_int(&text, num_nodes);
  text += "\nNumTerminals : ";
  append_int(&text, num_terminals);
  text += "\n";
  for (NodeId i = 0; i < netlist.num_nodes(); ++i) {
    if (is_pin(netlist.kind(i))) continue;
    text += netlist.name(i);
    text += ' ';
    append_number(&text, netlist.width(i));
    text += ' ';
    append_number(&text, netlist.height(i));
    if (is_terminal(i)) text += " terminal";
    text += '\n';
  }
  Status status = write_text(path_of(".nodes"), text);
  if (!status.ok()) return status;

  // .pl (lower-left corners)
  text = "UCLA pl 1.0\n";
  text += kHeader;
  for (NodeId i = 0; i < netlist.num_nodes(); ++i) {
    if (is_pin(netlist.kind(i))) continue;
    text += netlist.name(i);
    text += ' ';
    append_number(&text, netlist.x(i) - netlist.placed_width(i) / 2);
    text += ' ';
    append_number(&text, netlist.y(i) - netlist.placed_height(i) / 2);
    text += " : ";
    text += orientation_name(netlist.orientation(i));
    if (netlist.fixed(i)) text += " /FIXED";
    text += '\n';
  }
  status = write_text(path_of(".pl"), text);
  if (!status.ok()) return status;

  // .nets: the driver as O, the others as I; pins as their owner with the offset.
  text = "UCLA nets 1.0\n";
  text += kHeader;
  text += "NumNets : ";
  append_int(&text, netlist.num_nets());
  text += "\nNumPins : ";
  append_int(&text, static_cast<std::int64_t>(netlist.net_terminals().size()));
  text += '\n';
  auto append_net_name = [&](NetId n) {
    const std::string_view name = netlist.net_name(n);
    if (name.empty()) {
      text += 'n';
      append_int(&text, n);
    } else {
      text += name;
    }
  };
  // Nets with pins go in the order of their pins' indices: the reader creates pin nodes in file
  // order, so a netlist whose nets were reordered (Circuit Training lists them by driver) still
  // reads back with the same pin indices and names.
  std::vector<NodeId> first_pin(static_cast<std::size_t>(netlist.num_nets()),
                                std::numeric_limits<NodeId>::max());
  for (NetId n = 0; n < netlist.num_nets(); ++n) {
    for (const NodeId* t = netlist.net_terminals_begin(n); t != netlist.net_terminals_end(n); ++t) {
      if (is_pin(netlist.kind(*t))) first_pin[n] = std::min(first_pin[n], *t);
    }
  }
  std::vector<NetId> net_order(static_cast<std::size_t>(netlist.num_nets()));
  for (NetId n = 0; n < netlist.num_nets(); ++n) net_order[n] = n;
  std::stable_sort(net_order.begin(), net_order.end(),
                   [&first_pin](NetId a, NetId b) { return first_pin[a] < first_pin[b]; });
  for (const NetId n : net_order) {
    text += "NetDegree : ";
    append_int(&text, netlist.net_degree(n));
    text += ' ';
    append_net_name(n);
    text += '\n';
    bool first = true;
    for (const NodeId* t = netlist.net_terminals_begin(n); t != netlist.net_terminals_end(n); ++t) {
      const NodeId node = *t;
      const bool pin = is_pin(netlist.kind(node));
      text += "  ";
      text += netlist.name(pin ? netlist.pin_owner(node) : node);
      text += first ? " O : " : " I : ";
      append_number(&text, pin ? netlist.pin_offset_x(node) : 0.0);
      text += ' ';
      append_number(&text, pin ? netlist.pin_offset_y(node) : 0.0);
      text += '\n';
      first = false;
    }
  }
  status = write_text(path_of(".nets"), text);
  if (!status.ok()) return status;

  // .wts: net weights other than 1.
  text = "UCLA wts 1.0\n";
  text += kHeader;
  for (NetId n = 0; n < netlist.num_nets(); ++n) {
    if (netlist.net_weight(n) == 1.0) continue;
    append_net_name(n);
    text += ' ';
    append_number(&text, netlist.net_weight(n));
    text += '\n';
  }
  status = write_text(path_of(".wts"), text);
  if (!status.ok()) return status;

  // .scl: the netlist's rows. Without rows but with a canvas, rows are synthesised to cover the
  // canvas from its bottom: height = the smallest std-cell height (canvas height / 100 without
  // std cells), site width and spacing 1, floor(canvas width) sites from the canvas's left edge,
  // floor(canvas height / row height) rows (so they may stop short of the top). Std cells taller
  // than the smallest then read back as hard macros.
  std::vector<Row> rows = netlist.rows;
  if (rows.empty() && netlist.canvas && netlist.canvas->width() > 0 &&
      netlist.canvas->height() > 0) {
    const Rect canvas = *netlist.canvas;
    double height = std::numeric_limits<double>::infinity();
    for (NodeId i = 0; i < netlist.num_nodes(); ++i) {
      if (netlist.kind(i) == NodeKind::kStdCell && netlist.height(i) > 0) {
        height = std::min(height, netlist.height(i));
      }
    }
    if (!std::isfinite(height) || canvas.height() / height > 1e6) height = canvas.height() / 100;
    const auto count =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(canvas.height() / height));
    const auto sites = std::max<std::int64_t>(1, static_cast<std::int64_t>(canvas.width()));
    for (std::int64_t r = 0; r < count; ++r) {
      Row row;
      row.y = canvas.y0 + static_cast<double>(r) * height;
      row.height = height;
      row.origin_x = canvas.x0;
      row.num_sites = sites;
      rows.push_back(row);
    }
  }
  text = "UCLA scl 1.0\n";
  text += kHeader;
  text += "NumRows : ";
  append_int(&text, static_cast<std::int64_t>(rows.size()));
  text += "\n\n";
  for (const Row& row : rows) {
    text += "CoreRow Horizontal\n  Coordinate : ";
    append_number(&text, row.y);
    text += "\n  Height : ";
    append_number(&text, row.height);
    text += "\n  Sitewidth : ";
    append_number(&text, row.site_width);
    text += "\n  Sitespacing : ";
    append_number(&text, row.site_spacing);
    text += "\n  Siteorient : ";
    text += row.site_orient.empty() ? std::string("N") : row.site_orient;
    text += "\n  Sitesymmetry : ";
    text += row.site_symmetry.empty() ? std::string("Y") : row.site_symmetry;
    text += "\n  SubrowOrigin : ";
    append_number(&text, row.origin_x);
    text += " NumSites : ";
    append_int(&text, row.num_sites);
    text += "\nEnd\n";
  }
  status = write_text(path_of(".scl"), text);
  if (!status.ok()) return status;

  // .aux last, so a reader never sees an .aux whose files are not written yet.
  text = "RowBasedPlacement : " + stem + ".nodes " + stem + ".nets " + stem + ".wts " + stem +
         ".pl " + stem + ".scl\n";
  return write_text(path_of(".aux"), text);
}

}  // namespace macroplace::netlist
