// Headless render check: report.html is drawn by a real browser (Chromium, when installed) and
// the screenshot must show the placement picture's hard macros.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "macroplace/eval/report.h"
#include "testing/testing.h"

namespace macroplace::eval {
namespace {

// The first of the usual Chromium names found on PATH, or "" when there is none.
std::string find_chromium() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::stringstream folders(path);
    std::string folder;
    while (std::getline(folders, folder, ':')) {
      if (folder.empty()) continue;
      std::string candidate = folder + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "";
}

struct Image {
  std::uint32_t width = 0, height = 0;
  std::vector<std::array<std::uint8_t, 3>> pixels;  // RGB, row-major, top row first
};

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// A minimal PNG decoder: 8-bit RGB or RGBA, not interlaced (what Chromium writes). Returns an
// error message, empty on success.
std::string decode_png(const std::string& file, Image* image) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  if (file.compare(0, kSignature.size(), kSignature) != 0) return "not a PNG";
  std::size_t at = kSignature.size();
  std::string compressed;
  int channels = 0;
  while (at + 8 <= file.size()) {
    const std::uint32_t length = big_endian(file, at);
    const std::string type = file.substr(at + 4, 4);
    if (at + 12 + length > file.size()) return "truncated chunk " + type;
    const std::string data = file.substr(at + 8, length);
    if (type == "IHDR") {
      image->width = big_endian(data, 0);
      image->height = big_endian(data, 4);
      const int depth = static_cast<std::uint8_t>(data[8]);
      const int colour = static_cast<std::uint8_t>(data[9]);
      const int interlace = static_cast<std::uint8_t>(data[12]);
      if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
        return "unsupported PNG format: depth " + std::to_string(depth) + ", colour type " +
               std::to_string(colour) + ", interlace " + std::to_string(interlace);
      }
      channels = colour == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      compressed += data;
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0 || image->width == 0 || image->height == 0) return "no IHDR";
  const std::size_t stride = static_cast<std::size_t>(image->width) * channels;
  std::vector<std::uint8_t> raw((stride + 1) * image->height);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()),
                 static_cast<uLong>(compressed.size())) != Z_OK ||
      raw_size != raw.size()) {
    return "cannot inflate the image data";
  }
  // Undo the per-row filters in place: each row is one filter byte, then stride bytes.
  std::vector<std::uint8_t> previous(stride, 0), row(stride);
  image->pixels.clear();
  image->pixels.reserve(static_cast<std::size_t>(image->width) * image->height);
  for (std::uint32_t y = 0; y < image->height; ++y) {
    const std::uint8_t* line = raw.data() + y * (stride + 1);
    const int filter = line[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int x = line[1 + i];
      const int a = i >= static_cast<std::size_t>(channels) ? row[i - channels] : 0;
      const int b = previous[i];
      const int c = i >= static_cast<std::size_t>(channels) ? previous[i - channels] : 0;
      int value = 0;
      switch (filter) {
        case 0: value = x; break;
        case 1: value = x + a; break;
        case 2: value = x + b; break;
        case 3: value = x + (a + b) / 2; break;
        case 4: value = x + paeth(a, b, c); break;
        default: return "bad filter " + std::to_string(filter);
      }
      row[i] = static_cast<std::uint8_t>(value & 0xFF);
    }
    for (std::uint32_t x = 0; x < image->width; ++x) {
      const std::uint8_t* pixel = row.data() + static_cast<std::size_t>(x) * channels;
      image->pixels.push_back({pixel[0], pixel[1], pixel[2]});
    }
    previous.swap(row);
  }
  return "";
}

std::size_t count_near(const Image& image, std::array<int, 3> colour, int tolerance) {
  std::size_t count = 0;
  for (const auto& pixel : image.pixels) {
    bool near = true;
    for (int i = 0; i < 3; ++i) near = near && std::abs(pixel[i] - colour[i]) <= tolerance;
    count += near ? 1 : 0;
  }
  return count;
}

TEST(HtmlRender, ChromiumDrawsThePlacementPicture) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "no chromium or chromium-browser on PATH; install Debian's chromium "
                    "package to run the headless render check";
  }
  const std::string dir = macroplace::testing::make_temp_dir("eval_html_render");

  // One 100 x 100 um canvas with 2200 um^2 of hard macros: at the default 420 px picture width
  // (404 px of drawing area, 4.04 px per um) that is about 35,900 px of hard-macro blue.
  EvalReport report;
  report.title = "render check";
  RunRecord run;
  run.design = "render";
  run.method = "greedy";
  run.seed = 1;
  run.costs.proxy = 0.5;
  run.legal = true;
  report.runs.push_back(run);
  PlacementPicture picture;
  picture.design = "render";
  picture.method = "greedy";
  picture.seed = 1;
  picture.proxy = 0.5;
  picture.canvas_width = picture.canvas_height = 100;
  picture.columns = picture.rows = 10;
  picture.hard_macros = {{30, 30, 40, 40}, {75, 80, 30, 20}};
  picture.soft_macros = {{80, 30, 10, 10}, {20, 80, 10, 10}};
  picture.soft_macro_shade = {0.1, 0.9};
  picture.ports = {{0, 50, 0, 0}, {100, 50, 0, 0}};
  report.pictures.push_back(picture);
  const std::string html = dir + "/report.html";
  ASSERT_TRUE(write_report_html(report, html).ok());

  const std::string png = dir + "/screenshot.png";
  const std::string log = dir + "/chromium.log";
  const std::string command = "timeout 60 '" + chromium +
                              "' --headless --no-sandbox --disable-gpu --hide-scrollbars "
                              "--user-data-dir='" +
                              dir + "/profile' --screenshot='" + png +
                              "' --window-size=1200,1600 'file://" + html + "' > '" + log +
                              "' 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(std::filesystem::exists(png))
      << "chromium wrote no screenshot (exit status " << status << "):\n"
      << macroplace::testing::read_file(log);

  Image image;
  const std::string error = decode_png(macroplace::testing::read_file(png), &image);
  ASSERT_EQ(error, "");
  EXPECT_EQ(image.width, 1200U);
  EXPECT_EQ(image.height, 1600U);

  // The hard macros (#1f3a93) cover about their drawn area, less the thin white outlines;
  // the legend swatch adds 144 px.
  const std::size_t blue = count_near(image, {0x1f, 0x3a, 0x93}, 8);
  EXPECT_GT(blue, 25000U) << "hard-macro pixels";
  EXPECT_LT(blue, 45000U) << "hard-macro pixels";
  // The page is not blank: white, text, grid, soft macros, ports all show.
  std::vector<std::uint32_t> colours;
  colours.reserve(image.pixels.size());
  for (const auto& pixel : image.pixels) {
    colours.push_back((static_cast<std::uint32_t>(pixel[0]) << 16) |
                      (static_cast<std::uint32_t>(pixel[1]) << 8) | pixel[2]);
  }
  std::sort(colours.begin(), colours.end());
  const auto distinct = std::unique(colours.begin(), colours.end()) - colours.begin();
  EXPECT_GT(distinct, 20);
  // Soft macros, light (shade 0.1: #f8d2ac) and dark (0.9: #d16313) orange at 90 % opacity over
  // white: 100 um^2 each, about 1,600 px each.
  EXPECT_GT(count_near(image, {249, 214, 180}, 10), 1000U) << "light soft-macro pixels";
  EXPECT_GT(count_near(image, {214, 115, 43}, 10), 1000U) << "dark soft-macro pixels";
}

}  // namespace
}  // namespace macroplace::eval
