#include "macroplace/netlist/def.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "lefdef_tokens.h"
#include "macroplace/base/numbers.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

using internal::LefDefToken;
using internal::LefDefTokens;
using internal::quote;
using internal::unescape_name;

class DefReader {
 public:
  DefReader(std::string_view text, const std::string& file, DefFloorplan* out)
      : tokens_(text, file), out_(out) {}

  Status read() {
    LefDefToken token;
    bool ended = false;
    while (!ended && tokens_.next(&token)) {
      const std::string_view word = token.text;
      Status s;
      if (word == "END") {
        s = tokens_.expect("DESIGN");
        ended = true;
      } else if (word == "VERSION" || word == "DESIGN") {
        LefDefToken value;
        s = tokens_.take(&value, "a value after " + std::string(word));
        if (s.ok()) (word == "VERSION" ? out_->version : out_->design) = std::string(value.text);
        if (s.ok()) s = tokens_.expect(";");
      } else if (word == "UNITS") {
        s = read_units();
      } else if (word == "DIEAREA") {
        s = read_die(token);
      } else if (word == "ROW") {
        s = read_row();
      } else if (word == "TRACKS") {
        s = read_tracks(token);
      } else if (word == "COMPONENTS") {
        s = read_section(token, "COMPONENTS",
                         [this](const LefDefToken& at) { return read_component(at); });
      } else if (word == "PINS") {
        s = read_section(token, "PINS", [this](const LefDefToken& at) { return read_pin(at); });
      } else if (word == "BLOCKAGES") {
        s = read_section(token, "BLOCKAGES",
                         [this](const LefDefToken& at) { return read_blockage(at); });
      } else if (word == "NETS") {
        s = read_section(token, "NETS", [this](const LefDefToken& at) { return read_net(at); });
      } else if (word == "PROPERTYDEFINITIONS" || word == "VIAS" || word == "SPECIALNETS" ||
                 word == "REGIONS" || word == "GROUPS" || word == "SCANCHAINS" || word == "FILLS" ||
                 word == "STYLES" || word == "NONDEFAULTRULES" || word == "PINPROPERTIES" ||
                 word == "SLOTS") {
        s = tokens_.skip_block(word);
      } else if (word == "BEGINEXT") {
        s = tokens_.skip_past("ENDEXT");
      } else {
        s = tokens_.skip_statement();  // DIVIDERCHAR, BUSBITCHARS, GCELLGRID, HISTORY, ...
      }
      if (!s.ok()) return s;
    }
    if (!ended) return tokens_.error_at_end("expected 'END DESIGN'");
    if (!(out_->dbu_per_micron > 0)) {
      return internal::error_at(tokens_.file(), 1, 1,
                                "no UNITS DISTANCE MICRONS: database units are unknown");
    }
    return {};
  }

 private:
  Status take_integer(std::int64_t* out, const std::string& what) {
    LefDefToken token;
    if (Status s = tokens_.take(&token, what); !s.ok()) return s;
    double value = 0;
    if (token.quoted || !parse_number(token.text, &value) || value != std::floor(value) ||
        std::abs(value) > 9e15) {
      return tokens_.error(token, "expected " + what + " (an integer), found " + quote(token.text));
    }
    *out = static_cast<std::int64_t>(value);
    return {};
  }

  Status take_word(std::string* out, const std::string& what) {
    LefDefToken token;
    if (Status s = tokens_.take(&token, what); !s.ok()) return s;
    if (!token.quoted && (token.text == ";" || token.text == "+" || token.text == "(")) {
      return tokens_.error(token, "expected " + what + ", found " + quote(token.text));
    }
    *out = unescape_name(token.text);
    return {};
  }

  Status take_point(std::int64_t* x, std::int64_t* y) {
    if (Status s = tokens_.expect("("); !s.ok()) return s;
    if (Status s = take_integer(x, "an x coordinate"); !s.ok()) return s;
    if (Status s = take_integer(y, "a y coordinate"); !s.ok()) return s;
    return tokens_.expect(")");
  }

  Status take_orientation(Orientation* out) {
    LefDefToken token;
    if (Status s = tokens_.take(&token, "an orientation"); !s.ok()) return s;
    const std::optional<Orientation> parsed = parse_orientation(token.text);
    if (!parsed) {
      return tokens_.error(token, "expected an orientation (N, S, E, W, FN, FS, FE, FW), found " +
                                      quote(token.text));
    }
    *out = *parsed;
    return {};
  }

  // Two or more points up to (not including) the next token that is not '(' (a rectangle's
  // two corners, a polygon's vertices), as their bounding box.
  Status take_box(DefRect* out, std::size_t* points) {
    *points = 0;
    LefDefToken token;
    while (tokens_.peek(&token) && token.text == "(") {
      std::int64_t x = 0, y = 0;
      if (Status s = take_point(&x, &y); !s.ok()) return s;
      if (*points == 0) {
        *out = {x, y, x, y};
      } else {
        *out = {std::min(out->x0, x), std::min(out->y0, y), std::max(out->x1, x),
                std::max(out->y1, y)};
      }
      ++*points;
    }
    if (*points < 2) {
      if (!tokens_.peek(&token)) return tokens_.error_at_end("expected '( x y )'");
      return tokens_.error(token,
                           "expected at least two points '( x y )', found " + quote(token.text));
    }
    return {};
  }

  // Skips the rest of a '+' option: up to the next '+' or ';' (not taken).
  Status skip_option() {
    LefDefToken token;
    for (;;) {
      if (!tokens_.peek(&token)) return tokens_.error_at_end("expected ';'");
      if (!token.quoted && (token.text == "+" || token.text == ";")) return {};
      tokens_.next(&token);
    }
  }

  Status read_units() {
    if (Status s = tokens_.expect("DISTANCE"); !s.ok()) return s;
    if (Status s = tokens_.expect("MICRONS"); !s.ok()) return s;
    if (Status s = tokens_.take_number(&out_->dbu_per_micron, "database units per micron");
        !s.ok()) {
      return s;
    }
    if (!(out_->dbu_per_micron > 0)) {
      return tokens_.error_at_end("database units per micron must be > 0");
    }
    return tokens_.expect(";");
  }

  Status read_die(const LefDefToken& start) {
    std::size_t points = 0;
    if (Status s = take_box(&out_->die, &points); !s.ok()) return s;
    if (points > 2) {
      out_->warnings.push_back(tokens_.file() + ":" + std::to_string(start.line) +
                               ": DIEAREA is a polygon of " + std::to_string(points) +
                               " points; using its bounding box");
    }
    if (out_->die.x1 <= out_->die.x0 || out_->die.y1 <= out_->die.y0) {
      return tokens_.error(start, "DIEAREA has no area");
    }
    return tokens_.expect(";");
  }

  Status read_row() {
    DefRow row;
    if (Status s = take_word(&row.name, "a row name"); !s.ok()) return s;
    if (Status s = take_word(&row.site, "a site name"); !s.ok()) return s;
    if (Status s = take_integer(&row.x, "the row's x"); !s.ok()) return s;
    if (Status s = take_integer(&row.y, "the row's y"); !s.ok()) return s;
    if (Status s = take_orientation(&row.orientation); !s.ok()) return s;
    LefDefToken token;
    if (tokens_.peek(&token) && token.text == "DO") {
      tokens_.next(&token);
      if (Status s = take_integer(&row.count_x, "the row's site count"); !s.ok()) return s;
      if (Status s = tokens_.expect("BY"); !s.ok()) return s;
      if (Status s = take_integer(&row.count_y, "the row's count in y"); !s.ok()) return s;
      if (tokens_.peek(&token) && token.text == "STEP") {
        tokens_.next(&token);
        if (Status s = take_integer(&row.step_x, "the row's x step"); !s.ok()) return s;
        if (Status s = take_integer(&row.step_y, "the row's y step"); !s.ok()) return s;
      }
    }
    out_->rows.push_back(std::move(row));
    return tokens_.skip_statement();  // + PROPERTY ...
  }

  Status read_tracks(const LefDefToken& start) {
    DefTracks tracks;
    LefDefToken token;
    if (Status s = tokens_.take(&token, "X or Y"); !s.ok()) return s;
    if (token.text != "X" && token.text != "Y") {
      return tokens_.error(token, "expected X or Y after TRACKS, found " + quote(token.text));
    }
    tracks.axis = token.text[0];
    if (Status s = take_integer(&tracks.start, "the first track"); !s.ok()) return s;
    if (Status s = tokens_.expect("DO"); !s.ok()) return s;
    if (Status s = take_integer(&tracks.count, "the track count"); !s.ok()) return s;
    if (Status s = tokens_.expect("STEP"); !s.ok()) return s;
    if (Status s = take_integer(&tracks.step, "the track step"); !s.ok()) return s;
    for (;;) {
      if (Status s = tokens_.take(&token, "';'"); !s.ok()) return s;
      if (token.text == ";") break;
      if (token.text == "LAYER") {
        while (tokens_.peek(&token) && token.text != ";") {
          tokens_.next(&token);
          tracks.layers.emplace_back(token.text);
        }
      }
    }
    if (tracks.count < 0 || tracks.step < 0) {
      return tokens_.error(start, "TRACKS needs a count and step >= 0");
    }
    out_->tracks.push_back(std::move(tracks));
    return {};
  }

  // "SECTION n ;" then n items "- ... ;" and "END SECTION".
  template <typename ReadItem>
  Status read_section(const LefDefToken& start, const char* section, ReadItem read_item) {
    std::int64_t declared = 0;
    if (Status s = take_integer(&declared, std::string("the number of ") + section); !s.ok()) {
      return s;
    }
    if (Status s = tokens_.expect(";"); !s.ok()) return s;
    std::int64_t read = 0;
    LefDefToken token;
    for (;;) {
      if (Status s = tokens_.take(&token, std::string("'END ") + section + "'"); !s.ok()) return s;
      if (token.text == "END") {
        if (Status s = tokens_.expect(section); !s.ok()) return s;
        break;
      }
      if (token.text != "-") {
        return tokens_.error(token, std::string("expected '-' or 'END ") + section + "', found " +
                                        quote(token.text));
      }
      if (Status s = read_item(token); !s.ok()) return s;
      ++read;
    }
    if (read != declared) {
      return tokens_.error(start, std::string(section) + " declares " + std::to_string(declared) +
                                      " and holds " + std::to_string(read));
    }
    return {};
  }

  Status read_placement(DefPlacement status, std::int64_t* x, std::int64_t* y,
                        Orientation* orientation) {
    if (status == DefPlacement::kUnplaced) return {};
    if (Status s = take_point(x, y); !s.ok()) return s;
    return take_orientation(orientation);
  }

  static DefPlacement placement_of(std::string_view word) {
    if (word == "PLACED") return DefPlacement::kPlaced;
    if (word == "FIXED") return DefPlacement::kFixed;
    if (word == "COVER") return DefPlacement::kCover;
    if (word == "UNPLACED") return DefPlacement::kUnplaced;
    return DefPlacement::kNone;
  }

  Status read_component(const LefDefToken& start) {
    DefComponent component;
    component.line = start.line;
    if (Status s = take_word(&component.name, "a component name"); !s.ok()) return s;
    if (Status s = take_word(&component.macro, "the component's macro"); !s.ok()) return s;
    component.name_end = tokens_.offset();
    LefDefToken token;
    for (;;) {
      if (Status s = tokens_.take(&token, "';'"); !s.ok()) return s;
      if (token.text == ";") break;
      if (token.text != "+") {
        return tokens_.error(token, "expected '+' or ';', found " + quote(token.text));
      }
      const std::size_t option_begin = token.offset;
      LefDefToken keyword;
      if (Status s = tokens_.take(&keyword, "a component option"); !s.ok()) return s;
      const DefPlacement placement = placement_of(keyword.text);
      Status s;
      if (placement != DefPlacement::kNone) {
        component.status = placement;
        s = read_placement(placement, &component.x, &component.y, &component.orientation);
        component.placement_begin = option_begin;
        component.placement_end = tokens_.offset();
      } else if (keyword.text == "HALO") {
        std::array<std::int64_t, 4> halo{};
        if (tokens_.peek(&token) && token.text == "SOFT") {
          tokens_.next(&token);
          component.soft_halo = true;
        }
        for (std::int64_t& side : halo) {
          if (s.ok()) s = take_integer(&side, "a halo width");
        }
        component.halo = halo;
      } else {
        s = skip_option();  // SOURCE, WEIGHT, REGION, EEQMASTER, PROPERTY, ROUTEHALO, ...
      }
      if (!s.ok()) return s;
    }
    if (!out_->component_index.emplace(component.name, out_->components.size()).second) {
      return tokens_.error(start, "component '" + component.name + "' is defined twice");
    }
    out_->components.push_back(std::move(component));
    return {};
  }

  Status read_pin(const LefDefToken& start) {
    DefPin pin;
    pin.line = start.line;
    if (Status s = take_word(&pin.name, "a pin name"); !s.ok()) return s;
    bool has_shape = false, has_placement = false;
    LefDefToken token;
    for (;;) {
      if (Status s = tokens_.take(&token, "';'"); !s.ok()) return s;
      if (token.text == ";") break;
      if (token.text != "+") {
        return tokens_.error(token, "expected '+' or ';', found " + quote(token.text));
      }
      LefDefToken keyword;
      if (Status s = tokens_.take(&keyword, "a pin option"); !s.ok()) return s;
      const DefPlacement placement = placement_of(keyword.text);
      Status s;
      if (keyword.text == "NET") {
        s = take_word(&pin.net, "a net name");
      } else if (keyword.text == "DIRECTION") {
        s = take_word(&pin.direction, "a direction");
      } else if (keyword.text == "USE") {
        s = take_word(&pin.use, "a use");
      } else if (keyword.text == "LAYER" && !has_shape) {
        has_shape = true;
        s = take_word(&pin.layer, "a layer name");
        // MASK n, SPACING d or DESIGNRULEWIDTH w may come before the corners.
        while (s.ok() && tokens_.peek(&token) && token.text != "(" && token.text != ";" &&
               token.text != "+") {
          tokens_.next(&token);
        }
        std::size_t points = 0;
        if (s.ok()) s = take_box(&pin.shape, &points);
      } else if (placement != DefPlacement::kNone && !has_placement) {
        has_placement = true;
        pin.status = placement;
        s = read_placement(placement, &pin.x, &pin.y, &pin.orientation);
      } else {
        s = skip_option();  // SPECIAL, PORT, POLYGON, VIA, ANTENNA*, a second port's shapes
      }
      if (!s.ok()) return s;
    }
    out_->pins.push_back(std::move(pin));
    return {};
  }

  Status read_blockage(const LefDefToken& start) {
    DefBlockage blockage;
    LefDefToken token;
    if (Status s = tokens_.take(&token, "LAYER or PLACEMENT"); !s.ok()) return s;
    if (token.text == "LAYER") {
      blockage.placement = false;
      if (Status s = take_word(&blockage.layer, "a layer name"); !s.ok()) return s;
    } else if (token.text != "PLACEMENT") {
      return tokens_.error(token, "expected LAYER or PLACEMENT, found " + quote(token.text));
    }
    for (;;) {
      if (Status s = tokens_.take(&token, "';'"); !s.ok()) return s;
      if (token.text == ";") break;
      Status s;
      if (token.text == "RECT" || token.text == "POLYGON") {
        DefRect rect;
        std::size_t points = 0;
        s = take_box(&rect, &points);
        blockage.rects.push_back(rect);
      } else if (token.text == "+") {
        LefDefToken keyword;
        s = tokens_.take(&keyword, "a blockage option");
        if (s.ok() && keyword.text == "SOFT") {
          blockage.soft = true;
        } else if (s.ok() && keyword.text == "PARTIAL") {
          s = tokens_.take_number(&blockage.partial, "a density in percent");
        } else if (s.ok() && keyword.text == "COMPONENT") {
          s = take_word(&blockage.component, "a component name");
        } else if (s.ok() && (keyword.text == "SPACING" || keyword.text == "DESIGNRULEWIDTH" ||
                              keyword.text == "MASK")) {
          double ignored = 0;
          s = tokens_.take_number(&ignored, "a value");
        }
      } else {
        return tokens_.error(token,
                             "expected RECT, POLYGON, '+' or ';', found " + quote(token.text));
      }
      if (!s.ok()) return s;
    }
    if (blockage.rects.empty()) return tokens_.error(start, "a blockage without RECT or POLYGON");
    out_->blockages.push_back(std::move(blockage));
    return {};
  }

  Status read_net(const LefDefToken& start) {
    DefNet net;
    net.line = start.line;
    if (Status s = take_word(&net.name, "a net name"); !s.ok()) return s;
    LefDefToken token;
    // The connections: ( component pin [+ SYNTHESIZED] ) ..., then options up to ';'.
    while (tokens_.peek(&token) && token.text == "(") {
      tokens_.next(&token);
      DefConnection connection;
      if (Status s = take_word(&connection.component, "a component name"); !s.ok()) return s;
      if (Status s = take_word(&connection.pin, "a pin name"); !s.ok()) return s;
      for (;;) {
        if (Status s = tokens_.take(&token, "')'"); !s.ok()) return s;
        if (token.text == ")") break;
      }
      net.connections.push_back(std::move(connection));
    }
    if (net.name == "MUSTJOIN" && net.connections.size() == 1) return tokens_.skip_statement();
    if (Status s = tokens_.skip_statement(); !s.ok()) return s;  // + USE, + ROUTED, ...
    out_->nets.push_back(std::move(net));
    return {};
  }

  LefDefTokens tokens_;
  DefFloorplan* out_;
};

}  // namespace

std::string_view def_placement_name(DefPlacement placement) {
  switch (placement) {
    case DefPlacement::kUnplaced: return "UNPLACED";
    case DefPlacement::kPlaced: return "PLACED";
    case DefPlacement::kFixed: return "FIXED";
    case DefPlacement::kCover: return "COVER";
    case DefPlacement::kNone: break;
  }
  return "";
}

const DefComponent* DefFloorplan::find_component(std::string_view name) const {
  const auto found = component_index.find(name);
  return found == component_index.end() ? nullptr : &components[found->second];
}

Status parse_def(std::string_view text, const std::string& file_label, DefFloorplan* out) {
  DefFloorplan def;
  def.file = file_label;
  def.text = std::string(text);
  DefReader reader(def.text, file_label, &def);
  if (Status s = reader.read(); !s.ok()) return s;
  *out = std::move(def);
  return {};
}

Status read_def(const std::string& path, DefFloorplan* out) {
  internal::FileText text;
  if (Status s = internal::read_file_text(path, &text); !s.ok()) return s;
  return parse_def(text.view(), path, out);
}

Status def_with_placements(const DefFloorplan& def,
                           const std::map<std::string, DefPlacementChange, std::less<>>& changes,
                           std::string* out) {
  // Each change as an edit of the text: [begin, end) replaced by `text`, in text order.
  struct Edit {
    std::size_t begin, end;
    std::string text;
  };
  std::vector<Edit> edits;
  edits.reserve(changes.size());
  for (const auto& [name, change] : changes) {
    const DefComponent* component = def.find_component(name);
    if (component == nullptr) {
      return Status::error(def.file + ": no component '" + name + "' to place");
    }
    if (change.status != DefPlacement::kPlaced && change.status != DefPlacement::kFixed) {
      return Status::error("a new placement is PLACED or FIXED");
    }
    std::string clause = "+ " + std::string(def_placement_name(change.status)) + " ( " +
                         std::to_string(change.x) + " " + std::to_string(change.y) + " ) " +
                         std::string(orientation_name(change.orientation));
    if (component->placement_end > component->placement_begin) {
      edits.push_back({component->placement_begin, component->placement_end, std::move(clause)});
    } else {
      edits.push_back({component->name_end, component->name_end, " " + clause});
    }
  }
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string text;
  text.reserve(def.text.size() + 48 * edits.size());
  std::size_t at = 0;
  for (const Edit& edit : edits) {
    text.append(def.text, at, edit.begin - at);
    text += edit.text;
    at = edit.end;
  }
  text.append(def.text, at, std::string::npos);
  *out = std::move(text);
  return {};
}

}  // namespace macroplace::netlist
