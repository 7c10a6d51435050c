#include "macroplace/pretrain/corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <system_error>

#include "macroplace/netlist/clustering.h"
#include "macroplace/netlist/design.h"

namespace macroplace::pretrain {

namespace {

namespace fs = std::filesystem;

bool is_design_file(const fs::path& path) {
  return netlist::design_format_of(path.string()).has_value();
}

// The design's name: its folder for `<design>/netlist.pb.txt[.gz]` (or flat.pb.txt[.gz]), else
// the file stem.
std::string design_name(const fs::path& path) {
  std::string file = path.filename().string();
  const bool generic = file == "netlist.pb.txt" || file == "netlist.pb.txt.gz" ||
                       file == "flat.pb.txt" || file == "flat.pb.txt.gz";
  if (generic && path.has_parent_path() && !path.parent_path().filename().empty()) {
    return path.parent_path().filename().string();
  }
  for (const char* suffix : {".pb.txt.gz", ".pb.txt", ".pbtxt", ".aux"}) {
    const std::string ending = suffix;
    if (file.size() > ending.size() &&
        file.compare(file.size() - ending.size(), ending.size(), ending) == 0) {
      return file.substr(0, file.size() - ending.size());
    }
  }
  return path.stem().string();
}

Status add_entry(const fs::path& path, std::map<std::string, std::string>* seen,
                 std::vector<CorpusEntry>* out) {
  CorpusEntry entry{design_name(path), path.string()};
  const auto [it, fresh] = seen->emplace(entry.name, entry.path);
  if (!fresh) {
    return Status::error("two designs named '" + entry.name + "' (" + it->second + " and " +
                         entry.path + "): names key the corpus; rename one");
  }
  out->push_back(std::move(entry));
  return {};
}

}  // namespace

Status list_corpus(const std::string& corpus, std::vector<CorpusEntry>* out) {
  out->clear();
  std::error_code error;
  std::map<std::string, std::string> seen;
  if (fs::is_directory(corpus, error)) {
    std::vector<fs::path> found;
    std::error_code probe;  // a failed probe (no such file) only means "not a design here"
    for (const fs::directory_entry& item : fs::directory_iterator(corpus, error)) {
      if (item.is_directory(probe)) {
        for (const char* file : {"netlist.pb.txt", "netlist.pb.txt.gz"}) {
          if (fs::is_regular_file(item.path() / file, probe)) found.push_back(item.path() / file);
        }
      } else if (item.is_regular_file(probe) && is_design_file(item.path())) {
        found.push_back(item.path());
      }
    }
    if (error) return Status::error("cannot list corpus folder " + corpus + ": " + error.message());
    std::sort(found.begin(), found.end());
    for (const fs::path& path : found) {
      if (Status s = add_entry(path, &seen, out); !s.ok()) return s;
    }
    if (out->empty()) {
      return Status::error("corpus folder " + corpus +
                           " holds no design (*/netlist.pb.txt[.gz], *.pb.txt[.gz], *.aux)");
    }
    return {};
  }
  std::ifstream file(corpus);
  if (!file) return Status::error("cannot read corpus '" + corpus + "' (a folder or a list file)");
  const fs::path base = fs::path(corpus).parent_path();
  std::string line;
  for (std::uint64_t number = 1; std::getline(file, line); ++number) {
    const std::size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    const std::size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) continue;
    const std::size_t end = line.find_last_not_of(" \t\r");
    const std::string text = line.substr(begin, end - begin + 1);
    const fs::path path = fs::path(text).is_absolute() ? fs::path(text) : base / text;
    const SourceLocation where{corpus, number, begin + 1};
    if (!is_design_file(path)) {
      return Status::error_at(
          where, "expected a design path (.pb.txt, .pb.txt.gz or .aux), got '" + text + "'");
    }
    if (!fs::is_regular_file(path, error)) {
      return Status::error_at(where, "no such design file: " + path.string());
    }
    if (Status s = add_entry(path, &seen, out); !s.ok())
      return Status::error_at(where, s.message());
  }
  if (out->empty()) return Status::error("corpus list " + corpus + " names no design");
  return {};
}

Status load_corpus_design(const CorpusEntry& entry, CorpusDesign* out) {
  CorpusDesign result;
  result.name = entry.name;
  placement::LoadedDesign& design = result.design;
  if (Status s = placement::load_design({entry.path, "", true}, &design); !s.ok()) return s;
  const netlist::NetlistCounts counts = design.netlist.counts();
  if (counts.std_cells > 0 && counts.soft_macros == 0) {
    // Flat: clustered into soft macros on the canvas and grid it was loaded with (its .plc's, else
    // the netlist's own or a chosen one).
    netlist::ClusteringOptions options;
    options.canvas_width = design.settings.canvas_width;
    options.canvas_height = design.settings.canvas_height;
    options.columns = design.settings.columns;
    options.rows = design.settings.rows;
    netlist::ClusteringResult clustering = netlist::cluster_netlist(design.netlist, options);
    if (!clustering.status.ok()) {
      return Status::error(entry.path + ": clustering: " + clustering.status.message());
    }
    design.netlist = std::move(clustering.clustered);
    design.header.width = options.canvas_width;
    design.header.height = options.canvas_height;
    design.header.columns = options.columns;
    design.header.rows = options.rows;
    design.settings = placement::settings_for(design.netlist, &design.header);
    if (Status s = design.settings.validate(); !s.ok()) return s;
    result.clustered = true;
  }
  *out = std::move(result);
  return {};
}

}  // namespace macroplace::pretrain
