// split_list: the non-empty items of a separated list, in order.
#include "macroplace/base/text.h"

#include <gtest/gtest.h>

#include <string>
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

}  // namespace
}  // namespace macroplace
