// Gzip input that is cut short, corrupted or made of several members: a truncated stream must be
// an error naming the file, never a shorter design read as if it were complete (issue 14).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstddef>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// One gzip member holding `parts` in order, with a full flush after each part: the compressed
// stream can be cut exactly between two parts, where the prefix inflates cleanly.
struct Member {
  std::string bytes;
  std::vector<std::size_t> flush_points;  // compressed offsets after each part but the last
};

Member gzip(const std::vector<std::string>& parts) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Member member;
  std::vector<unsigned char> buffer(1 << 16);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(parts[i].data()));
    stream.avail_in = static_cast<uInt>(parts[i].size());
    int result = Z_OK;
    do {
      stream.next_out = buffer.data();
      stream.avail_out = static_cast<uInt>(buffer.size());
      result = deflate(&stream, last ? Z_FINISH : Z_FULL_FLUSH);
      member.bytes.append(reinterpret_cast<char*>(buffer.data()), buffer.size() - stream.avail_out);
    } while (stream.avail_out == 0 || (last && result != Z_STREAM_END));
    if (!last) member.flush_points.push_back(member.bytes.size());
  }
  deflateEnd(&stream);
  return member;
}

// The sample netlist split before its second half's first node: both halves are whole nodes.
std::vector<std::string> halves(const std::string& text) {
  const std::size_t middle = text.find("node {", text.size() / 2);
  EXPECT_NE(middle, std::string::npos);
  return {text.substr(0, middle), text.substr(middle)};
}

class CompressedInput : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = read_bytes(example_path("ct/sample_clustered/netlist.pb.txt"));
    ASSERT_FALSE(text_.empty());
    ASSERT_TRUE(read_ct_netlist(example_path("ct/sample_clustered/netlist.pb.txt"), &plain_).ok());
    dir_ = make_temp_dir("compressed_input");
  }
  Status read(const std::string& bytes, Netlist* netlist) {
    const std::string path = dir_ + "/netlist.pb.txt.gz";
    write_bytes(path, bytes);
    return read_ct_netlist(path, netlist);
  }
  void expect_truncated(const std::string& bytes) {
    Netlist netlist;
    const Status status = read(bytes, &netlist);
    ASSERT_FALSE(status.ok()) << "read " << netlist.num_nodes() << " nodes of "
                              << plain_.num_nodes() << " as if complete";
    EXPECT_NE(status.to_string().find(dir_ + "/netlist.pb.txt.gz"), std::string::npos)
        << status.to_string();
    EXPECT_NE(status.to_string().find("truncated"), std::string::npos) << status.to_string();
  }
  std::string text_, dir_;
  Netlist plain_;
};

TEST_F(CompressedInput, AWholeFileReadsLikeThePlainOne) {
  Netlist netlist;
  const Status status = read(gzip(halves(text_)).bytes, &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_TRUE(compare_netlists(plain_, netlist, 0.0).ok());
}

TEST_F(CompressedInput, AMissingTrailerIsATruncationError) {
  const std::string whole = gzip({text_}).bytes;
  expect_truncated(whole.substr(0, whole.size() - 8));  // CRC-32 and length gone
  expect_truncated(whole.substr(0, whole.size() - 1));
}

TEST_F(CompressedInput, ACutBetweenTwoNodesIsATruncationError) {
  const Member member = gzip(halves(text_));
  ASSERT_EQ(member.flush_points.size(), 1u);
  // The prefix inflates to exactly the first half: whole nodes, a valid smaller netlist.
  expect_truncated(member.bytes.substr(0, member.flush_points[0]));
}

TEST_F(CompressedInput, ACutAnywhereIsAnError) {
  const std::string whole = gzip({text_}).bytes;
  for (std::size_t cut = 10; cut < whole.size(); cut += 97) {
    Netlist netlist;
    EXPECT_FALSE(read(whole.substr(0, cut), &netlist).ok()) << "cut at byte " << cut;
  }
}

TEST_F(CompressedInput, ACorruptChecksumIsAnError) {
  std::string whole = gzip({text_}).bytes;
  whole[whole.size() - 6] = static_cast<char>(whole[whole.size() - 6] ^ 0x5a);  // CRC-32
  Netlist netlist;
  const Status status = read(whole, &netlist);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.to_string().find("netlist.pb.txt.gz"), std::string::npos);
}

// RFC 1952: a gzip file may hold several members, read as their concatenation (as `zcat` does).
TEST_F(CompressedInput, ConcatenatedMembersReadAsOneFile) {
  const std::vector<std::string> parts = halves(text_);
  Netlist netlist;
  const Status status = read(gzip({parts[0]}).bytes + gzip({parts[1]}).bytes, &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_TRUE(compare_netlists(plain_, netlist, 0.0).ok());
}

TEST_F(CompressedInput, ATruncatedPlacementFileIsAnError) {
  const std::string plc = read_bytes(example_path("ct/sample_clustered/initial.plc"));
  const std::string whole = gzip({plc}).bytes;
  const std::string path = dir_ + "/initial.plc.gz";
  write_bytes(path, whole.substr(0, whole.size() - 8));
  PlacementFile file;
  const Status status = read_plc(path, &file);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.to_string().find("truncated"), std::string::npos) << status.to_string();
}

}  // namespace
}  // namespace macroplace::netlist
