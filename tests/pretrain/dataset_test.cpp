// HDF5 datasets: designs, samples and episodes read back exactly (the rebuilt netlist has the
// stored fingerprint and the same cost); files that are not datasets, of another version, or
// damaged are refused with the file named; the file appears only when committed.
#include "macroplace/pretrain/dataset.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/pretrain/synthetic_design.h"
#include "testing/testing.h"

namespace macroplace::pretrain {
namespace {

using macroplace::testing::example_path;

placement::LoadedDesign ariane() {
  placement::LoadedDesign design;
  EXPECT_TRUE(
      placement::load_design({example_path("ariane133-ng45/netlist.pb.txt.gz"), "", true}, &design)
          .ok());
  return design;
}

// Two designs, a few samples (the start and moved placements) and two episodes.
std::string write_dataset(const std::string& dir, std::vector<DatasetSample>* written) {
  std::string path = dir + "/data.h5";
  std::unique_ptr<DatasetWriter> writer;
  EXPECT_TRUE(DatasetWriter::create(path, &writer).ok());
  const placement::LoadedDesign design = ariane();
  EXPECT_TRUE(writer->add_design("ariane", design.netlist, design.settings).ok());
  placement::ProxyCost cost(design.netlist, design.settings);
  written->clear();
  for (int i = 0; i < 3; ++i) {
    written->push_back(
        sample_of(cost, i == 0 ? "start" : "shifted", static_cast<std::uint64_t>(i)));
    // Move the first hard macro a little for the next sample.
    for (netlist::NodeId node = 0; node < design.netlist.num_nodes(); ++node) {
      if (design.netlist.kind(node) == netlist::NodeKind::kHardMacro) {
        cost.move(node, cost.x(node) + 10, cost.y(node));
        break;
      }
    }
  }
  EXPECT_TRUE(writer->append_samples("ariane", {(*written)[0]}).ok());
  EXPECT_TRUE(writer->append_samples("ariane", {(*written)[1], (*written)[2]}).ok());
  EXPECT_TRUE(writer->append_episode("ariane", std::string("\x01\x00\x02", 3)).ok());
  EXPECT_TRUE(writer->append_episode("ariane", "second").ok());
  SyntheticOptions options;
  options.hard_macros = 16;
  options.soft_macros = 200;
  SyntheticDesign synthetic;
  EXPECT_TRUE(generate_design(options, &synthetic).ok());
  EXPECT_TRUE(writer
                  ->add_design("synthetic-1", synthetic.netlist,
                               placement::settings_for(synthetic.netlist, &synthetic.settings))
                  .ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << "visible before commit";
  const Status committed = writer->commit();
  EXPECT_TRUE(committed.ok()) << committed.message();
  return path;
}

TEST(Dataset, RoundTrip) {
  const std::string dir = macroplace::testing::make_temp_dir("dataset_round_trip");
  std::vector<DatasetSample> written;
  const std::string path = write_dataset(dir, &written);
  std::unique_ptr<DatasetReader> reader;
  ASSERT_TRUE(DatasetReader::open(path, &reader).ok());
  EXPECT_EQ(reader->version(), kDatasetVersion);
  ASSERT_EQ(reader->designs(), (std::vector<std::string>{"ariane", "synthetic-1"}));

  DatasetDesign design;
  const Status status = reader->read_design("ariane", &design);
  ASSERT_TRUE(status.ok()) << status.message();
  const placement::LoadedDesign original = ariane();
  EXPECT_EQ(design.fingerprint, placement::design_fingerprint(original.netlist, original.settings));
  EXPECT_EQ(design.samples, 3);
  EXPECT_EQ(design.episodes, 2);
  // The same cost from the rebuilt design at the start placement.
  placement::ProxyCost rebuilt(design.netlist, design.settings);
  EXPECT_DOUBLE_EQ(rebuilt.costs().proxy, written[0].costs.proxy);

  std::vector<DatasetSample> samples;
  ASSERT_TRUE(reader->read_samples("ariane", 1, 2, &samples).ok());
  ASSERT_EQ(samples.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(samples[i].method, "shifted");
    EXPECT_EQ(samples[i].seed, static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ(samples[i].x, written[i + 1].x);
    EXPECT_EQ(samples[i].y, written[i + 1].y);
    EXPECT_EQ(samples[i].orientation, written[i + 1].orientation);
    EXPECT_EQ(samples[i].costs.proxy, written[i + 1].costs.proxy);
    EXPECT_EQ(samples[i].costs.congestion_cost, written[i + 1].costs.congestion_cost);
  }
  // A sample's placement, applied to the rebuilt design, gives the stored cost.
  std::vector<double> x = samples[1].x, y = samples[1].y;
  rebuilt.set_positions(design.placeable, x, y);
  EXPECT_NEAR(rebuilt.costs().proxy, samples[1].costs.proxy, 1e-12);
  EXPECT_NE(samples[1].costs.proxy, written[0].costs.proxy);  // the move changed the cost

  std::string bytes;
  ASSERT_TRUE(reader->read_episode("ariane", 0, &bytes).ok());
  EXPECT_EQ(bytes, std::string("\x01\x00\x02", 3));
  ASSERT_TRUE(reader->read_episode("ariane", 1, &bytes).ok());
  EXPECT_EQ(bytes, "second");
  EXPECT_FALSE(reader->read_episode("ariane", 2, &bytes).ok());
  EXPECT_FALSE(reader->read_samples("ariane", 2, 2, &samples).ok());
  EXPECT_FALSE(reader->read_design("nothing", &design).ok());

  ASSERT_TRUE(reader->read_design("synthetic-1", &design).ok());
  EXPECT_EQ(design.samples, 0);
  // Reading none is an empty read, of a design with samples or without; past the end is not.
  samples.resize(1);
  EXPECT_TRUE(reader->read_samples("synthetic-1", 0, 0, &samples).ok());
  EXPECT_TRUE(samples.empty());
  EXPECT_TRUE(reader->read_samples("ariane", 3, 0, &samples).ok());
  EXPECT_FALSE(reader->read_samples("synthetic-1", 0, 1, &samples).ok());
  EXPECT_FALSE(reader->read_samples("synthetic-1", 1, 0, &samples).ok());
  EXPECT_EQ(design.netlist.counts().hard_macros, 16);
}

TEST(Dataset, WriterRefusesMistakes) {
  const std::string dir = macroplace::testing::make_temp_dir("dataset_writer");
  std::unique_ptr<DatasetWriter> writer;
  ASSERT_TRUE(DatasetWriter::create(dir + "/data.h5", &writer).ok());
  const placement::LoadedDesign design = ariane();
  ASSERT_TRUE(writer->add_design("ariane", design.netlist, design.settings).ok());
  EXPECT_FALSE(writer->add_design("ariane", design.netlist, design.settings).ok());
  EXPECT_FALSE(writer->add_design("a/b", design.netlist, design.settings).ok());
  DatasetSample short_sample;
  short_sample.x = {1, 2};
  short_sample.y = {1, 2};
  short_sample.orientation = {0, 0};
  const Status wrong = writer->append_samples("ariane", {short_sample});
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("lists 2 nodes"), std::string::npos) << wrong.message();
  EXPECT_FALSE(writer->append_samples("other", {}).ok());
  EXPECT_FALSE(DatasetWriter::create("/nonexistent-folder/data.h5", &writer).ok());
}

TEST(Dataset, ForeignAndOtherVersionFilesAreRefused) {
  const std::string dir = macroplace::testing::make_temp_dir("dataset_foreign");
  std::unique_ptr<DatasetReader> reader;
  macroplace::testing::write_file(dir + "/text.h5", "not hdf5 at all\n");
  Status status = DatasetReader::open(dir + "/text.h5", &reader);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.to_string().find("text.h5"), std::string::npos) << status.to_string();
  EXPECT_NE(status.message().find("not an HDF5 file"), std::string::npos) << status.message();
  EXPECT_FALSE(DatasetReader::open(dir + "/missing.h5", &reader).ok());

  // A dataset of another schema version (written here with HDF5 itself).
  {
    const hid_t file =
        H5Fcreate((dir + "/v99.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, 18);
    const hid_t format = H5Acreate2(file, "format", text, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(format, text, "macroplace-dataset");
    const std::int32_t ninety_nine = 99;
    const hid_t version =
        H5Acreate2(file, "version", H5T_NATIVE_INT32, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(version, H5T_NATIVE_INT32, &ninety_nine);
    H5Aclose(version);
    H5Aclose(format);
    H5Tclose(text);
    H5Sclose(space);
    H5Fclose(file);
  }
  status = DatasetReader::open(dir + "/v99.h5", &reader);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("schema version 99; this build reads version 1"),
            std::string::npos)
      << status.message();
}

// Damage anywhere in the file: every read ends in an answer (an error or the exact data: a
// design read back has its fingerprint, samples their checksums), never a crash. Each damaged
// copy is read in a child process so that a crash fails the test instead of ending it.
TEST(Dataset, DamagedFilesAreErrorsNotCrashes) {
  const std::string dir = macroplace::testing::make_temp_dir("dataset_damaged");
  std::vector<DatasetSample> written;
  const std::string path = write_dataset(dir, &written);
  const std::string bytes = macroplace::testing::read_file(path);
  int refused = 0, crashed = 0;
  constexpr int kCopies = 60;
  for (int i = 1; i <= kCopies; ++i) {
    std::string damaged = bytes;
    const std::size_t at = damaged.size() * static_cast<std::size_t>(i) / (kCopies + 1);
    for (std::size_t k = at; k < std::min(damaged.size(), at + 8); ++k) damaged[k] ^= 0x5a;
    const std::string copy = dir + "/damaged.h5";
    macroplace::testing::write_file(copy, damaged);
    const pid_t child = fork();
    if (child == 0) {
      std::unique_ptr<DatasetReader> reader;
      int errors = 0;
      if (!DatasetReader::open(copy, &reader).ok()) _exit(1);
      for (const std::string& name : reader->designs()) {
        DatasetDesign design;
        if (!reader->read_design(name, &design).ok()) {
          ++errors;
          continue;
        }
        std::vector<DatasetSample> samples;
        if (!reader->read_samples(name, 0, design.samples, &samples).ok()) ++errors;
        for (std::int64_t e = 0; e < design.episodes; ++e) {
          std::string episode;
          if (!reader->read_episode(name, e, &episode).ok()) ++errors;
        }
      }
      _exit(errors > 0 ? 1 : 0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) ++crashed;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) ++refused;
  }
  EXPECT_EQ(crashed, 0);
  EXPECT_GT(refused, kCopies / 2) << "most damage should be noticed";
}

}  // namespace
}  // namespace macroplace::pretrain
