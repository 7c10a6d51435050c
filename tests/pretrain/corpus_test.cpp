// Corpora: a folder of designs (sorted, by name), a list file (relative paths, comments, errors
// at file:line:column), name clashes refused, and a flat design clustered on load.
#include "macroplace/pretrain/corpus.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/pretrain/synthetic_design.h"
#include "testing/testing.h"

namespace macroplace::pretrain {
namespace {

namespace fs = std::filesystem;
using macroplace::testing::example_path;
using macroplace::testing::write_file;

void write_synthetic(const std::string& dir, std::uint64_t seed) {
  SyntheticOptions options;
  options.seed = seed;
  options.hard_macros = 16;
  options.soft_macros = 200;
  options.ports = 64;
  SyntheticDesign design;
  ASSERT_TRUE(generate_design(options, &design).ok());
  fs::create_directories(dir);
  ASSERT_TRUE(netlist::write_ct_netlist(design.netlist, dir + "/netlist.pb.txt").ok());
  ASSERT_TRUE(
      netlist::write_plc(design.netlist, design.settings, "test", dir + "/initial.plc").ok());
}

TEST(Corpus, FolderListsItsDesignsByName) {
  const std::string dir = macroplace::testing::make_temp_dir("corpus_folder");
  write_synthetic(dir + "/b-design", 2);
  write_synthetic(dir + "/a-design", 1);
  fs::copy_file(example_path("ibm01/ibm01.aux"), dir + "/ibm01.aux");
  write_file(dir + "/notes.txt", "not a design\n");
  std::vector<CorpusEntry> entries;
  ASSERT_TRUE(list_corpus(dir, &entries).ok());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "a-design");
  EXPECT_EQ(entries[1].name, "b-design");
  EXPECT_EQ(entries[2].name, "ibm01");
  CorpusDesign design;
  const Status status = load_corpus_design(entries[0], &design);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_FALSE(design.clustered);
  EXPECT_EQ(design.design.netlist.counts().hard_macros, 16);

  const std::string empty = macroplace::testing::make_temp_dir("corpus_empty");
  const Status none = list_corpus(empty, &entries);
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.message().find("holds no design"), std::string::npos) << none.message();
}

TEST(Corpus, ListFileWithCommentsRelativePathsAndErrors) {
  const std::string dir = macroplace::testing::make_temp_dir("corpus_list");
  write_synthetic(dir + "/designs/one", 3);
  write_file(dir + "/corpus.txt",
             "# training designs\n\n  designs/one/netlist.pb.txt   # a synthetic one\n" +
                 example_path("ibm01/ibm01.aux") + "\n");
  std::vector<CorpusEntry> entries;
  const Status status = list_corpus(dir + "/corpus.txt", &entries);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "one");
  EXPECT_EQ(entries[0].path, dir + "/designs/one/netlist.pb.txt");
  EXPECT_EQ(entries[1].name, "ibm01");

  write_file(dir + "/bad.txt", "designs/one/netlist.pb.txt\n  designs/one/initial.plc\n");
  Status bad = list_corpus(dir + "/bad.txt", &entries);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.to_string().find("bad.txt:2:3"), std::string::npos) << bad.to_string();
  EXPECT_NE(bad.message().find("expected a design path"), std::string::npos) << bad.message();

  write_file(dir + "/missing.txt", "designs/two/netlist.pb.txt\n");
  bad = list_corpus(dir + "/missing.txt", &entries);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("no such design file"), std::string::npos) << bad.message();

  write_file(dir + "/twice.txt", "designs/one/netlist.pb.txt\ndesigns/one/netlist.pb.txt\n");
  bad = list_corpus(dir + "/twice.txt", &entries);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("two designs named 'one'"), std::string::npos) << bad.message();
}

// ibm01 is flat (standard cells, no soft macros): loading clusters it into soft macros on its
// canvas and grid; the hard macros and ports stay as they were.
TEST(Corpus, FlatDesignIsClustered) {
  CorpusDesign design;
  const Status status = load_corpus_design({"ibm01", example_path("ibm01/ibm01.aux")}, &design);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(design.clustered);
  const netlist::NetlistCounts counts = design.design.netlist.counts();
  EXPECT_EQ(counts.std_cells, 0);
  EXPECT_GT(counts.soft_macros, 100);
  EXPECT_EQ(counts.hard_macros, 246);
  EXPECT_EQ(counts.ports, 246);
  EXPECT_TRUE(design.design.settings.validate().ok());
}

}  // namespace
}  // namespace macroplace::pretrain
