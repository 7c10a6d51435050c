#include "macroplace/netlist/lef.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "lefdef_tokens.h"
#include "macroplace/base/numbers.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

using internal::LefDefToken;
using internal::LefDefTokens;
using internal::quote;

template <typename Item>
const Item* find_in(const std::vector<Item>& items,
                    const std::map<std::string, std::size_t, std::less<>>& index,
                    std::string_view name) {
  const auto found = index.find(name);
  return found == index.end() ? nullptr : &items[found->second];
}

// Adds or replaces (a later definition wins) an item by name.
template <typename Item>
void define(Item item, const char* kind, std::vector<Item>* items,
            std::map<std::string, std::size_t, std::less<>>* index,
            std::vector<std::string>* redefined) {
  const auto found = index->find(item.name);
  if (found != index->end()) {
    redefined->push_back(std::string(kind) + " " + item.name);
    (*items)[found->second] = std::move(item);
    return;
  }
  (*index)[item.name] = items->size();
  items->push_back(std::move(item));
}

class LefReader {
 public:
  LefReader(std::string_view text, const std::string& file, LefLibrary* library)
      : tokens_(text, file), library_(library) {}

  Status read() {
    LefDefToken token;
    while (tokens_.next(&token)) {
      const std::string_view word = token.text;
      Status s;
      if (word == "END") {
        LefDefToken what;
        if (tokens_.peek(&what) && what.text == "LIBRARY") tokens_.next(&what);
        return {};  // END LIBRARY (anything after it is not LEF)
      } else if (word == "UNITS") {
        s = read_units();
      } else if (word == "MANUFACTURINGGRID") {
        s = tokens_.take_number(&library_->manufacturing_grid, "the manufacturing grid");
        if (s.ok()) s = tokens_.expect(";");
      } else if (word == "LAYER") {
        s = read_layer();
      } else if (word == "SITE") {
        s = read_site();
      } else if (word == "MACRO") {
        s = read_macro(token);
      } else if (word == "VIA" || word == "VIARULE" || word == "NONDEFAULTRULE") {
        LefDefToken name;
        s = tokens_.take(&name, "a name after " + std::string(word));
        if (s.ok()) s = tokens_.skip_block(name.text);
      } else if (word == "SPACING" || word == "PROPERTYDEFINITIONS" || word == "ARRAY" ||
                 word == "IRDROP" || word == "NOISETABLE" || word == "CORRECTIONTABLE") {
        s = tokens_.skip_block(word);
      } else if (word == "BEGINEXT") {
        s = tokens_.skip_past("ENDEXT");
      } else {
        s = tokens_.skip_statement();  // VERSION, BUSBITCHARS, DIVIDERCHAR, CLEARANCEMEASURE...
      }
      if (!s.ok()) return s;
    }
    return {};
  }

 private:
  Status read_units() {
    LefDefToken token;
    for (;;) {
      if (Status s = tokens_.take(&token, "'END UNITS'"); !s.ok()) return s;
      if (token.text == "END") return tokens_.expect("UNITS");
      if (token.text == "DATABASE") {
        if (Status s = tokens_.expect("MICRONS"); !s.ok()) return s;
        if (Status s = tokens_.take_number(&library_->database_microns, "database units");
            !s.ok()) {
          return s;
        }
        if (!(library_->database_microns > 0)) {
          return tokens_.error(token, "database units per micron must be > 0");
        }
        if (Status s = tokens_.expect(";"); !s.ok()) return s;
      } else if (Status s = tokens_.skip_statement(); !s.ok()) {
        return s;
      }
    }
  }

  Status read_layer() {
    LefLayer layer;
    LefDefToken token;
    if (Status s = tokens_.take(&token, "a layer name"); !s.ok()) return s;
    layer.name = std::string(token.text);
    for (;;) {
      if (Status s = tokens_.take(&token, "'END " + layer.name + "'"); !s.ok()) return s;
      const std::string_view word = token.text;
      if (word == "END") {
        if (Status s = expect_name(layer.name); !s.ok()) return s;
        define(std::move(layer), "LAYER", &library_->layers, &library_->layer_index,
               &library_->redefined);
        return {};
      }
      Status s;
      if (word == "TYPE") {
        s = take_word(&layer.type, "a layer type");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "DIRECTION") {
        std::string direction;
        s = take_word(&direction, "HORIZONTAL or VERTICAL");
        if (s.ok()) {
          if (direction == "HORIZONTAL") {
            layer.direction = LefDirection::kHorizontal;
          } else if (direction == "VERTICAL") {
            layer.direction = LefDirection::kVertical;
          } else if (direction != "DIAG45" && direction != "DIAG135") {
            return tokens_.error(token, "expected HORIZONTAL or VERTICAL after DIRECTION");
          }
          s = tokens_.expect(";");
        }
      } else if (word == "PITCH" || word == "OFFSET") {
        const bool pitch = word == "PITCH";
        double* x = pitch ? &layer.pitch_x : &layer.offset_x;
        double* y = pitch ? &layer.pitch_y : &layer.offset_y;
        s = pair_or_one(x, y, pitch ? "a pitch" : "an offset");
      } else if (word == "WIDTH") {
        s = tokens_.take_number(&layer.width, "a width");
        if (s.ok()) s = tokens_.expect(";");
      } else {
        s = tokens_.skip_statement();  // SPACING, SPACINGTABLE, PROPERTY, RESISTANCE, ...
      }
      if (!s.ok()) return s;
    }
  }

  Status read_site() {
    LefSite site;
    LefDefToken token;
    if (Status s = tokens_.take(&token, "a site name"); !s.ok()) return s;
    site.name = std::string(token.text);
    for (;;) {
      if (Status s = tokens_.take(&token, "'END " + site.name + "'"); !s.ok()) return s;
      const std::string_view word = token.text;
      Status s;
      if (word == "END") {
        if (s = expect_name(site.name); !s.ok()) return s;
        define(std::move(site), "SITE", &library_->sites, &library_->site_index,
               &library_->redefined);
        return {};
      }
      if (word == "CLASS") {
        s = take_word(&site.site_class, "a site class");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "SIZE") {
        s = read_size(&site.width, &site.height);
      } else if (word == "SYMMETRY") {
        s = read_words(&site.symmetry);
      } else {
        s = tokens_.skip_statement();
      }
      if (!s.ok()) return s;
    }
  }

  Status read_macro(const LefDefToken& start) {
    LefMacro macro;
    macro.file = tokens_.file();
    macro.line = start.line;
    LefDefToken token;
    if (Status s = tokens_.take(&token, "a macro name"); !s.ok()) return s;
    macro.name = std::string(token.text);
    bool sized = false;
    for (;;) {
      if (Status s = tokens_.take(&token, "'END " + macro.name + "'"); !s.ok()) return s;
      const std::string_view word = token.text;
      Status s;
      if (word == "END") {
        if (s = expect_name(macro.name); !s.ok()) return s;
        if (!sized) return tokens_.error(start, "MACRO " + macro.name + " has no SIZE");
        // Shapes are written relative to ORIGIN: move them into the lower-left frame.
        const auto shift = [&](LefShape& shape) {
          shape.rect = {shape.rect.x0 + macro.origin_x, shape.rect.y0 + macro.origin_y,
                        shape.rect.x1 + macro.origin_x, shape.rect.y1 + macro.origin_y};
        };
        for (LefPin& pin : macro.pins) {
          for (LefShape& shape : pin.shapes) shift(shape);
          place_pin(&pin);
        }
        for (LefShape& shape : macro.obstructions) shift(shape);
        define(std::move(macro), "MACRO", &library_->macros, &library_->macro_index,
               &library_->redefined);
        return {};
      }
      if (word == "CLASS") {
        s = take_word(&macro.macro_class, "a macro class");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "SIZE") {
        s = read_size(&macro.width, &macro.height);
        sized = true;
      } else if (word == "ORIGIN") {
        s = tokens_.take_number(&macro.origin_x, "the origin's x");
        if (s.ok()) s = tokens_.take_number(&macro.origin_y, "the origin's y");
        if (s.ok()) s = tokens_.expect(";");
      } else if (word == "SYMMETRY") {
        s = read_words(&macro.symmetry);
      } else if (word == "SITE") {
        s = take_word(&macro.site, "a site name");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "PIN") {
        s = read_pin(&macro);
      } else if (word == "OBS") {
        s = read_shapes(&macro.obstructions);
      } else if (word == "DENSITY") {
        s = tokens_.skip_block("");
      } else {
        s = tokens_.skip_statement();  // FOREIGN, EEQ, LEQ, SOURCE, PROPERTY, FIXEDMASK, ...
      }
      if (!s.ok()) return s;
    }
  }

  Status read_pin(LefMacro* macro) {
    LefPin pin;
    LefDefToken token;
    if (Status s = tokens_.take(&token, "a pin name"); !s.ok()) return s;
    pin.name = std::string(token.text);
    for (;;) {
      if (Status s = tokens_.take(&token, "'END " + pin.name + "'"); !s.ok()) return s;
      const std::string_view word = token.text;
      Status s;
      if (word == "END") {
        if (s = expect_name(pin.name); !s.ok()) return s;
        macro->pins.push_back(std::move(pin));
        return {};
      }
      if (word == "DIRECTION") {
        s = take_word(&pin.direction, "a pin direction");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "USE") {
        s = take_word(&pin.use, "a pin use");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "PORT") {
        s = read_shapes(&pin.shapes);
      } else {
        s = tokens_.skip_statement();  // SHAPE, ANTENNA*, MUSTJOIN, NETEXPR, PROPERTY, ...
      }
      if (!s.ok()) return s;
    }
  }

  // The statements of a PORT or OBS up to its bare END: LAYER, RECT, POLYGON (as its bounding
  // box); PATH, VIA and CLASS are read past.
  Status read_shapes(std::vector<LefShape>* shapes) {
    std::string layer;
    LefDefToken token;
    for (;;) {
      if (Status s = tokens_.take(&token, "'END'"); !s.ok()) return s;
      const std::string_view word = token.text;
      Status s;
      if (word == "END") return {};
      if (word == "LAYER") {
        s = take_word(&layer, "a layer name");
        if (s.ok()) s = tokens_.skip_statement();
      } else if (word == "RECT" || word == "POLYGON") {
        if (layer.empty()) return tokens_.error(token, std::string(word) + " before any LAYER");
        s = read_figure(word == "RECT", token, layer, shapes);
      } else {
        s = tokens_.skip_statement();
      }
      if (!s.ok()) return s;
    }
  }

  Status read_figure(bool rect, const LefDefToken& start, const std::string& layer,
                     std::vector<LefShape>* shapes) {
    LefDefToken token;
    if (tokens_.peek(&token) && token.text == "MASK") {
      double mask = 0;
      tokens_.next(&token);
      if (Status s = tokens_.take_number(&mask, "a mask number"); !s.ok()) return s;
    }
    if (tokens_.peek(&token) && token.text == "ITERATE") {
      return tokens_.error(token, "RECT ITERATE is not supported");
    }
    std::vector<double> values;
    for (;;) {
      if (Status s = tokens_.take(&token, "';'"); !s.ok()) return s;
      if (token.text == ";") break;
      if (token.text == "(" || token.text == ")") continue;
      double value = 0;
      if (!parse_number(token.text, &value) || !std::isfinite(value)) {
        return tokens_.error(token, "expected a coordinate, found " + quote(token.text));
      }
      values.push_back(value);
    }
    if (rect ? values.size() != 4 : values.size() < 6 || values.size() % 2 != 0) {
      return tokens_.error(
          start, rect ? "RECT needs 4 coordinates" : "POLYGON needs at least 3 points (x y pairs)");
    }
    Rect box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
             -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (std::size_t i = 0; i < values.size(); i += 2) {
      box = {std::min(box.x0, values[i]), std::min(box.y0, values[i + 1]),
             std::max(box.x1, values[i]), std::max(box.y1, values[i + 1])};
    }
    shapes->push_back({layer, box});
    return {};
  }

  // The pin's position: the centre of its lowest layer's shapes' bounding box.
  void place_pin(LefPin* pin) const {
    if (pin->shapes.empty()) return;
    std::size_t lowest = std::numeric_limits<std::size_t>::max();
    std::string_view lowest_name;
    for (const LefShape& shape : pin->shapes) {
      const std::size_t rank = library_->layer_rank(shape.layer);
      if (rank < lowest) lowest = rank, lowest_name = shape.layer;
    }
    Rect box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
             -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const LefShape& shape : pin->shapes) {
      // Undefined layers all rank equal: the first such layer's shapes stand for them.
      if (shape.layer != lowest_name) continue;
      box = {std::min(box.x0, shape.rect.x0), std::min(box.y0, shape.rect.y0),
             std::max(box.x1, shape.rect.x1), std::max(box.y1, shape.rect.y1)};
    }
    pin->x = 0.5 * (box.x0 + box.x1);
    pin->y = 0.5 * (box.y0 + box.y1);
  }

  Status read_size(double* width, double* height) {
    LefDefToken at;
    tokens_.peek(&at);
    if (Status s = tokens_.take_number(width, "a width"); !s.ok()) return s;
    if (Status s = tokens_.expect("BY"); !s.ok()) return s;
    if (Status s = tokens_.take_number(height, "a height"); !s.ok()) return s;
    if (!(*width >= 0 && *height >= 0)) return tokens_.error(at, "sizes must be >= 0");
    return tokens_.expect(";");
  }

  Status pair_or_one(double* x, double* y, const std::string& what) {
    if (Status s = tokens_.take_number(x, what); !s.ok()) return s;
    LefDefToken token;
    if (tokens_.peek(&token) && token.text != ";") {
      if (Status s = tokens_.take_number(y, what); !s.ok()) return s;
    } else {
      *y = *x;
    }
    return tokens_.expect(";");
  }

  Status read_words(std::vector<std::string>* words) {
    words->clear();
    LefDefToken token;
    for (;;) {
      if (Status s = tokens_.take(&token, "';'"); !s.ok()) return s;
      if (token.text == ";") return {};
      words->emplace_back(token.text);
    }
  }

  Status take_word(std::string* out, const std::string& what) {
    LefDefToken token;
    if (Status s = tokens_.take(&token, what); !s.ok()) return s;
    if (token.text == ";") return tokens_.error(token, "expected " + what + ", found ';'");
    *out = std::string(token.text);
    return {};
  }

  Status expect_name(const std::string& name) {
    LefDefToken token;
    if (Status s = tokens_.take(&token, "'" + name + "' after END"); !s.ok()) return s;
    if (token.text != name) {
      return tokens_.error(
          token, "expected 'END " + name + "', found 'END " + std::string(token.text) + "'");
    }
    return {};
  }

  LefDefTokens tokens_;
  LefLibrary* library_;
};

}  // namespace

const LefPin* LefMacro::find_pin(std::string_view pin_name) const {
  for (const LefPin& pin : pins) {
    if (pin.name == pin_name) return &pin;
  }
  return nullptr;
}

const LefMacro* LefLibrary::find_macro(std::string_view name) const {
  return find_in(macros, macro_index, name);
}
const LefLayer* LefLibrary::find_layer(std::string_view name) const {
  return find_in(layers, layer_index, name);
}
const LefSite* LefLibrary::find_site(std::string_view name) const {
  return find_in(sites, site_index, name);
}
std::size_t LefLibrary::layer_rank(std::string_view name) const {
  const auto found = layer_index.find(name);
  return found == layer_index.end() ? layers.size() : found->second;
}

Status parse_lef(std::string_view text, const std::string& file_label, LefLibrary* library) {
  return LefReader(text, file_label, library).read();
}

Status read_lef(const std::string& path, LefLibrary* library) {
  internal::FileText text;
  if (Status s = internal::read_file_text(path, &text); !s.ok()) return s;
  return parse_lef(text.view(), path, library);
}

}  // namespace macroplace::netlist
