#include "text_input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "macroplace/base/numbers.h"

namespace macroplace::netlist::internal {

namespace {

// Chunks are kept small: the few in flight (up to six for gzip input) are fresh memory, which
// costs a page fault per page on first touch, while refills remain rare.
constexpr std::size_t kChunkBytes = std::size_t{1} << 18;
// Smaller files are copied: mapping them saves little and costs two system calls more.
constexpr std::size_t kMinMappedBytes = std::size_t{64} << 10;

bool is_gzip_file(std::FILE* file) {
  unsigned char magic[2] = {0, 0};
  const std::size_t got = std::fread(magic, 1, 2, file);
  std::rewind(file);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

// The file's size, leaving it at its start; 0 when it cannot be known.
std::uint64_t file_size(std::FILE* file) {
  if (std::fseek(file, 0, SEEK_END) != 0) return 0;
  const long size = std::ftell(file);
  std::rewind(file);
  return size > 0 ? static_cast<std::uint64_t>(size) : 0;
}

// The uncompressed size a gzip file records in its trailer (modulo 4 GiB, last member only).
std::uint64_t gzip_size_hint(std::FILE* file) {
  const std::uint64_t compressed = file_size(file);
  unsigned char trailer[4] = {0, 0, 0, 0};
  std::uint64_t recorded = 0;
  if (compressed >= 18 && std::fseek(file, -4, SEEK_END) == 0 &&
      std::fread(trailer, 1, 4, file) == 4) {
    recorded = std::uint64_t{trailer[0]} | std::uint64_t{trailer[1]} << 8 |
               std::uint64_t{trailer[2]} << 16 | std::uint64_t{trailer[3]} << 24;
  }
  std::rewind(file);
  return std::max(recorded, compressed);
}

Status open_error(const std::string& path) {
  return Status::error_at({path, 0, 0}, std::string("cannot open: ") + std::strerror(errno));
}

// Plain files: read straight from stdio.
class PlainChunkSource : public ChunkSource {
 public:
  PlainChunkSource(std::FILE* file, std::string path)
      : file_(file), path_(std::move(path)), size_hint_(file_size(file)) {}
  ~PlainChunkSource() override { std::fclose(file_); }
  std::uint64_t size_hint() const override { return size_hint_; }
  bool read_more(std::string* out) override {
    const std::size_t old = out->size();
    out->resize(old + kChunkBytes);
    const std::size_t got = std::fread(out->data() + old, 1, kChunkBytes, file_);
    out->resize(old + got);
    if (got == 0 && std::ferror(file_)) status_ = Status::error_at({path_, 0, 0}, "read error");
    return got > 0;
  }
  Status status() const override { return status_; }

 private:
  std::FILE* file_;
  std::string path_;
  std::uint64_t size_hint_;
  Status status_;
};

// Gzip files: a producer thread inflates into a small bounded queue of chunks.
class GzipChunkSource : public ChunkSource {
 public:
  GzipChunkSource(std::FILE* file, std::string path)
      : path_(std::move(path)), size_hint_(gzip_size_hint(file)) {
    std::fclose(file);
    worker_ = std::thread([this] { produce(); });
  }
  ~GzipChunkSource() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  bool read_more(std::string* out) override {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) return false;
    std::string chunk = std::move(chunks_.front());
    chunks_.pop_front();
    lock.unlock();
    changed_.notify_all();
    out->append(chunk);
    lock.lock();
    spare_chunks_.push_back(std::move(chunk));
    return true;
  }
  Status status() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }
  std::uint64_t size_hint() const override { return size_hint_; }

 private:
  void produce() {
    gzFile gz = gzopen(path_.c_str(), "rb");
    Status status;
    if (gz == nullptr) {
      status = Status::error_at({path_, 0, 0}, "cannot open gzip stream");
    } else {
      gzbuffer(gz, 1 << 18);
      while (true) {
        // Chunks the reader is done with are filled again: fresh memory costs a page fault per
        // page on first touch.
        std::string chunk;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!spare_chunks_.empty()) {
            chunk = std::move(spare_chunks_.back());
            spare_chunks_.pop_back();
          }
        }
        chunk.resize(kChunkBytes);
        const int got = gzread(gz, chunk.data(), static_cast<unsigned>(chunk.size()));
        if (got < 0) {
          int code = 0;
          status = Status::error_at({path_, 0, 0},
                                    std::string("corrupt gzip data: ") + gzerror(gz, &code));
          break;
        }
        if (got == 0) {
          // zlib reports a stream cut short (no trailer, or cut between two flush points) only
          // as a soft error after the last byte: without this check a truncated file would be
          // read as a complete, shorter one.
          int code = Z_OK;
          gzerror(gz, &code);
          if (code == Z_BUF_ERROR) {
            status = Status::error_at(
                {path_, 0, 0},
                "truncated gzip file: the compressed stream ends before its trailer");
          }
          break;
        }
        chunk.resize(static_cast<std::size_t>(got));
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return chunks_.size() < 4 || cancelled_; });
        if (cancelled_) break;
        chunks_.push_back(std::move(chunk));
        lock.unlock();
        changed_.notify_all();
      }
      gzclose(gz);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = status;
    finished_ = true;
    changed_.notify_all();
  }

  std::string path_;
  std::uint64_t size_hint_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::vector<std::string> spare_chunks_;
  bool finished_ = false, cancelled_ = false;
  Status status_;
  std::thread worker_;
};

}  // namespace

Status open_chunk_source(const std::string& path, std::unique_ptr<ChunkSource>* out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return open_error(path);
  if (is_gzip_file(file)) {
    *out = std::make_unique<GzipChunkSource>(file, path);
  } else {
    *out = std::make_unique<PlainChunkSource>(file, path);
  }
  return Status();
}

Status read_whole_file(const std::string& path, std::string* out) {
  out->clear();
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return open_error(path);
  // Plain files of known size: one read, no chunking (small files are read often, by the
  // Bookshelf reader five at a time and by the fuzzers thousands of times a second).
  if (!is_gzip_file(file) && std::fseek(file, 0, SEEK_END) == 0) {
    const long size = std::ftell(file);
    std::rewind(file);
    if (size > 0) {
      if (static_cast<std::uint64_t>(size) > kMaxWholeFileBytes) {
        std::fclose(file);
        return Status::error_at({path, 0, 0}, "file is larger than 4 GiB");
      }
      out->resize(static_cast<std::size_t>(size));
      out->resize(std::fread(out->data(), 1, out->size(), file));
      const bool failed = std::ferror(file) != 0;
      std::fclose(file);
      if (failed) return Status::error_at({path, 0, 0}, "read error");
      return Status();
    }
  }
  std::fclose(file);
  // Gzip files and files whose size is not known in advance: by chunks.
  std::unique_ptr<ChunkSource> source;
  Status status = open_chunk_source(path, &source);
  if (!status.ok()) return status;
  while (source->read_more(out)) {
    if (out->size() > kMaxWholeFileBytes) {
      return Status::error_at({path, 0, 0}, "file is larger than 4 GiB");
    }
  }
  return source->status();
}

FileText::FileText(FileText&& other) noexcept
    : mapping_(other.mapping_), mapped_bytes_(other.mapped_bytes_), copy_(std::move(other.copy_)) {
  other.mapping_ = nullptr;
  other.mapped_bytes_ = 0;
}

FileText& FileText::operator=(FileText&& other) noexcept {
  if (this != &other) {
    release();
    mapping_ = other.mapping_;
    mapped_bytes_ = other.mapped_bytes_;
    copy_ = std::move(other.copy_);
    other.mapping_ = nullptr;
    other.mapped_bytes_ = 0;
  }
  return *this;
}

FileText::~FileText() {
  release();
}

void FileText::release() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_bytes_);
  mapping_ = nullptr;
  mapped_bytes_ = 0;
  copy_.clear();
}

Status read_file_text(const std::string& path, FileText* out) {
  out->release();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    struct stat info;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
        static_cast<std::uint64_t>(info.st_size) >= kMinMappedBytes &&
        static_cast<std::uint64_t>(info.st_size) <= kMaxWholeFileBytes) {
      const auto bytes = static_cast<std::size_t>(info.st_size);
      void* mapping = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
      if (mapping != MAP_FAILED) {
        const auto* head = static_cast<const unsigned char*>(mapping);
        if (head[0] != 0x1f || head[1] != 0x8b) {  // not gzip
          ::close(fd);
          out->mapping_ = mapping;
          out->mapped_bytes_ = bytes;
          return Status();
        }
        ::munmap(mapping, bytes);
      }
    }
    ::close(fd);
  }
  // Gzip, small or special files, and the error when the file cannot be opened.
  return read_whole_file(path, &out->copy_);
}

bool LineReader::next(std::string_view* line, std::uint64_t* line_number) {
  if (pos_ >= text_.size()) return false;
  std::size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  std::string_view result = text_.substr(pos_, end - pos_);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  pos_ = end + 1;
  *line = result;
  *line_number = ++line_;
  return true;
}

void split_tokens(std::string_view line, std::vector<Token>* tokens) {
  tokens->clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    tokens->push_back({line.substr(start, i - start), start + 1});
  }
}

}  // namespace macroplace::netlist::internal

namespace macroplace::netlist::internal {

bool parse_int64(std::string_view text, std::int64_t* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  const char* end = text.data() + text.size();
  auto result = std::from_chars(begin, end, *out);
  return result.ec == std::errc() && result.ptr == end;
}

Status error_at(const std::string& file, std::uint64_t line, std::uint64_t column,
                std::string message) {
  return Status::error_at({file, line, column}, std::move(message));
}

void append_number(std::string* out, double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, result.ptr);
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 32 && c < 127) {
      out += static_cast<char>(c);
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "'";
}

}  // namespace macroplace::netlist::internal
