// The least-squares line on hand-worked points.
#include "macroplace/base/line_fit.h"

#include <gtest/gtest.h>

namespace macroplace {
namespace {

TEST(LineFit, ExactLineAndScatteredPoints) {
  const LineFit exact = fit_line({0, 1, 2}, {1, 3, 5});
  ASSERT_TRUE(exact.ok);
  EXPECT_DOUBLE_EQ(exact.slope, 2);
  EXPECT_DOUBLE_EQ(exact.intercept, 1);
  // (0,0), (1,1), (2,1), (3,2): mean (1.5, 1), sxy = 3, sxx = 5.
  const LineFit scattered = fit_line({0, 1, 2, 3}, {0, 1, 1, 2});
  ASSERT_TRUE(scattered.ok);
  EXPECT_DOUBLE_EQ(scattered.slope, 0.6);
  EXPECT_DOUBLE_EQ(scattered.intercept, 1 - 0.6 * 1.5);
}

TEST(LineFit, NoLineThroughOnePointOrOneX) {
  EXPECT_FALSE(fit_line({1}, {2}).ok);
  EXPECT_FALSE(fit_line({}, {}).ok);
  EXPECT_FALSE(fit_line({3, 3, 3}, {1, 2, 3}).ok);
}

}  // namespace
}  // namespace macroplace
