// split_list: the non-empty items of a separated list, in order. base64: RFC 4648's test
// vectors, every byte value through a round trip, and non-canonical text refused.
#include "macroplace/base/text.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace macroplace {
namespace {

using Items = std::vector<std::string>;

TEST(SplitList, NonEmptyItemsInOrder) {
  EXPECT_EQ(split_list("a,b,c"), (Items{"a", "b", "c"}));
  EXPECT_EQ(split_list("a,,b,"), (Items{"a", "b"}));
  EXPECT_EQ(split_list(",x"), (Items{"x"}));
  EXPECT_EQ(split_list(""), Items{});
  EXPECT_EQ(split_list(",,"), Items{});
  EXPECT_EQ(split_list("one"), (Items{"one"}));
  EXPECT_EQ(split_list("p q;r", ';'), (Items{"p q", "r"}));
}

TEST(Base64, Rfc4648TestVectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(base64_encode(bytes), text);
    std::string decoded;
    EXPECT_TRUE(base64_decode(text, &decoded)) << text;
    EXPECT_EQ(decoded, bytes);
  }
}

TEST(Base64, EveryByteRoundTripsAndBadTextIsRefused) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t length : {bytes.size(), bytes.size() - 1, bytes.size() - 2}) {
    const std::string part = bytes.substr(0, length);
    std::string decoded;
    ASSERT_TRUE(base64_decode(base64_encode(part), &decoded));
    EXPECT_EQ(decoded, part);
  }
  std::string out;
  EXPECT_FALSE(base64_decode("Zm9", &out));       // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm9v!A==", &out));  // not in the alphabet
  EXPECT_FALSE(base64_decode("Zh==", &out));      // bits under the padding
  EXPECT_FALSE(base64_decode("Z===", &out));      // one character is not a byte
  EXPECT_FALSE(base64_decode("Zg==Zg==", &out));  // padding before the end
}

}  // namespace
}  // namespace macroplace
