// parse_number: the whole text must be one finite decimal number.
#include "macroplace/base/numbers.h"

#include <gtest/gtest.h>

namespace macroplace {
namespace {

TEST(ParseNumberTest, AcceptsWholeFiniteNumbers) {
  double value = 0;
  ASSERT_TRUE(parse_number("1433.406", &value));
  EXPECT_EQ(value, 1433.406);
  ASSERT_TRUE(parse_number("+2e3", &value));
  EXPECT_EQ(value, 2000.0);
  ASSERT_TRUE(parse_number("-0.5", &value));
  EXPECT_EQ(value, -0.5);
}

TEST(ParseNumberTest, RejectsPartialsSpacesAndNonFinite) {
  double value = 0;
  for (const char* text : {"", " 1", "1 ", "1.5x", "++1", "inf", "nan", "1e400", "0x10", ","}) {
    EXPECT_FALSE(parse_number(text, &value)) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace macroplace
