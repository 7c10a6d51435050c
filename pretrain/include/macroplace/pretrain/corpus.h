// Corpus: the designs one pre-training run (or one dataset) is made of.
//
// Contract: list_corpus() reads a corpus given as
// - a folder: every design inside it, sorted by path: `*/netlist.pb.txt[.gz]` one level down (the
//   layout `cluster` and `generate` write), and `*.pb.txt[.gz]` / `*.aux` files directly in it;
// - a list file: one design path per line (relative paths from the list file's folder), blank
//   lines and `#` comments ignored; a path that is not a design is an error at its line.
// Names are the design's folder for `<design>/netlist.pb.txt` or `<design>/flat.pb.txt`, else the
// file stem; two designs of one name are an error (names key datasets and metrics).
// load_corpus_design() loads one as load_design() does (its `initial.plc` beside when there is
// one, else a canvas and grid chosen). A flat design (standard cells, no soft macros) is then
// clustered with our flow (cluster_netlist's defaults on that canvas and grid); `clustered` says
// so.
//
//   std::vector<CorpusEntry> entries;
//   Status s = list_corpus("corpus/", &entries);
//   CorpusDesign design;
//   s = load_corpus_design(entries[0], &design);
#pragma once

#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/placement/design_loader.h"

namespace macroplace::pretrain {

struct CorpusEntry {
  std::string name;
  std::string path;  // the netlist
};

Status list_corpus(const std::string& corpus, std::vector<CorpusEntry>* out);

struct CorpusDesign {
  std::string name;
  placement::LoadedDesign design;
  bool clustered = false;  // a flat design clustered here
};

Status load_corpus_design(const CorpusEntry& entry, CorpusDesign* out);

}  // namespace macroplace::pretrain
