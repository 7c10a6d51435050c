#include "macroplace/rl/episode_record.h"

#include <zlib.h>

#include <cstring>
#include <limits>
#include <type_traits>

namespace macroplace::rl {

namespace {

constexpr char kMagic[4] = {'M', 'P', 'E', 'R'};
constexpr std::uint32_t kVersion = 1;

// Little-endian bytes of a trivially copyable value (every supported host is little-endian;
// the check below keeps a big-endian build from writing records others cannot read).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "records are little-endian");

class Writer {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* bytes = reinterpret_cast<const char*>(&value);
    text_.append(bytes, sizeof value);
  }
  template <typename T>
  void put_vector(const std::vector<T>& values) {
    put(static_cast<std::uint64_t>(values.size()));
    text_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  void put_text(const std::string& text) {
    put(static_cast<std::uint64_t>(text.size()));
    text_.append(text);
  }
  std::string& text() { return text_; }

 private:
  std::string text_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool get(T* value) {
    if (bytes_.size() - at_ < sizeof(T)) return false;
    std::memcpy(value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return true;
  }
  template <typename T>
  bool get_vector(std::vector<T>* values) {
    std::uint64_t count = 0;
    if (!get(&count) || count > (bytes_.size() - at_) / sizeof(T)) return false;
    values->resize(count);
    std::memcpy(values->data(), bytes_.data() + at_, count * sizeof(T));
    at_ += count * sizeof(T);
    return true;
  }
  bool get_text(std::string* text) {
    std::uint64_t size = 0;
    if (!get(&size) || size > bytes_.size() - at_) return false;
    text->assign(bytes_.data() + at_, size);
    at_ += size;
    return true;
  }
  std::size_t at() const { return at_; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

double EpisodeRecord::discounted_return(double discount) const {
  double g = 0;
  for (std::size_t t = rewards.size(); t-- > 0;) g = rewards[t] + discount * g;
  return g;
}

std::string encode_record(const EpisodeRecord& record) {
  Writer out;
  out.text().append(kMagic, sizeof kMagic);
  out.put(kVersion);
  out.put_text(record.design);
  out.put(record.policy_version);
  out.put(record.env_seed);
  out.put(record.collector);
  out.put(static_cast<std::uint8_t>(record.infeasible ? 1 : 0));
  out.put(record.proxy);
  out.put(record.wirelength_cost);
  out.put(record.density_cost);
  out.put(record.congestion_cost);
  out.put_vector(record.actions);
  out.put_vector(record.log_probs);
  out.put_vector(record.values);
  out.put_vector(record.rewards);
  out.put(crc_of(out.text()));
  return std::move(out.text());
}

Status decode_record(std::string_view bytes, const std::string& source, EpisodeRecord* out) {
  const auto bad = [&](const std::string& what) {
    return Status::error("episode record from " + source + ": " + what);
  };
  if (bytes.size() < sizeof kMagic + sizeof(std::uint32_t) * 2 ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return bad("not an episode record");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - sizeof(std::uint32_t));
  std::uint32_t stored_crc = 0;
  std::memcpy(&stored_crc, bytes.data() + body.size(), sizeof stored_crc);
  if (crc_of(body) != stored_crc) return bad("checksum mismatch (corrupted in transit?)");
  Reader in(body.substr(sizeof kMagic));
  std::uint32_t version = 0;
  if (!in.get(&version) || version != kVersion) {
    return bad("format version " + std::to_string(version) + ", expected " +
               std::to_string(kVersion) + " (collector and learner of different macroplace?)");
  }
  EpisodeRecord record;
  std::uint8_t infeasible = 0;
  const bool ok = in.get_text(&record.design) && in.get(&record.policy_version) &&
                  in.get(&record.env_seed) && in.get(&record.collector) && in.get(&infeasible) &&
                  in.get(&record.proxy) && in.get(&record.wirelength_cost) &&
                  in.get(&record.density_cost) && in.get(&record.congestion_cost) &&
                  in.get_vector(&record.actions) && in.get_vector(&record.log_probs) &&
                  in.get_vector(&record.values) && in.get_vector(&record.rewards);
  if (!ok || in.at() + sizeof kMagic != body.size()) return bad("lengths do not add up");
  const std::size_t steps = record.actions.size();
  if (record.log_probs.size() != steps || record.values.size() != steps ||
      record.rewards.size() != steps) {
    return bad("per-step fields of different lengths");
  }
  record.infeasible = infeasible != 0;
  *out = std::move(record);
  return {};
}

}  // namespace macroplace::rl
