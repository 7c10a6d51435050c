#include "macroplace/pretrain/dataset.h"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "macroplace/base/atomic_file.h"
#include "macroplace/placement/design_loader.h"

namespace macroplace::pretrain {

namespace {

using netlist::NodeId;
using netlist::NodeKind;

constexpr char kFormat[] = "macroplace-dataset";
constexpr hsize_t kChunkElements = 1 << 15;  // per chunk, about what deflate handles well
constexpr int kCostColumns = 5;              // wirelength, its cost, density, congestion, proxy

// Owns an HDF5 identifier.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      close_ = other.close_;
      other.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

void quiet_hdf5() {
  static const bool kQuiet = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as Status, not on stderr
    return true;
  }();
  (void)kQuiet;
}

template <typename T>
hid_t native();
template <>
hid_t native<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
hid_t native<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t native<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}

// ---- attributes ----

Status write_attribute(hid_t object, const char* name, hid_t type, const void* value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attribute(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute.ok() || H5Awrite(attribute.get(), type, value) < 0) {
    return Status::error(std::string("cannot write attribute ") + name);
  }
  return {};
}

Status write_string_attribute(hid_t object, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  return write_attribute(object, name, type.get(), padded.data());
}

template <typename T>
bool read_attribute(hid_t object, const char* name, T* value) {
  if (H5Aexists(object, name) <= 0) return false;
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!space.ok() || H5Sget_simple_extent_npoints(space.get()) != 1) return false;
  return H5Aread(attribute.get(), native<T>(), value) >= 0;
}

bool read_string_attribute(hid_t object, const char* name, std::string* value) {
  if (H5Aexists(object, name) <= 0) return false;
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  if (!type.ok() || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0) {
    return false;
  }
  const std::size_t size = H5Tget_size(type.get());
  if (size == 0 || size > (1 << 20)) return false;
  std::string text(size, '\0');
  if (H5Aread(attribute.get(), type.get(), text.data()) < 0) return false;
  text.resize(std::strlen(text.c_str()));
  *value = text;
  return true;
}

// ---- arrays: 1-D, or 2-D with a fixed row width; all extendible along the first axis ----

Status create_array(hid_t group, const char* name, hid_t type, hsize_t width) {
  const int rank = width == 0 ? 1 : 2;
  const hsize_t dims[2] = {0, width};
  const hsize_t max_dims[2] = {H5S_UNLIMITED, width};
  const hsize_t chunk[2] = {
      width == 0 ? kChunkElements
                 : std::max<hsize_t>(1, kChunkElements / std::max<hsize_t>(width, 1)),
      std::max<hsize_t>(width, 1)};
  Handle space(H5Screate_simple(rank, dims, max_dims), H5Sclose);
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!space.ok() || !properties.ok() || H5Pset_chunk(properties.get(), rank, chunk) < 0 ||
      H5Pset_fletcher32(properties.get()) < 0 || H5Pset_shuffle(properties.get()) < 0 ||
      H5Pset_deflate(properties.get(), 4) < 0) {
    return Status::error(std::string("cannot set up array ") + name);
  }
  Handle data(
      H5Dcreate2(group, name, type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
      H5Dclose);
  if (!data.ok()) return Status::error(std::string("cannot create array ") + name);
  return {};
}

// Appends `rows` rows (of the array's width) from `values`.
Status append_rows(hid_t group, const char* name, hid_t type, const void* values, hsize_t rows) {
  if (rows == 0) return {};
  Handle data(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  Handle space(data.ok() ? H5Dget_space(data.get()) : -1, H5Sclose);
  if (!space.ok()) return Status::error(std::string("cannot open array ") + name);
  hsize_t dims[2] = {0, 0};
  const int rank = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  const hsize_t start[2] = {dims[0], 0};
  const hsize_t count[2] = {rows, rank == 2 ? dims[1] : 1};
  const hsize_t grown[2] = {dims[0] + rows, dims[1]};
  if (H5Dset_extent(data.get(), grown) < 0)
    return Status::error(std::string("cannot grow ") + name);
  Handle file_space(H5Dget_space(data.get()), H5Sclose);
  Handle memory(H5Screate_simple(rank, count, nullptr), H5Sclose);
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dwrite(data.get(), type, memory.get(), file_space.get(), H5P_DEFAULT, values) < 0) {
    return Status::error(std::string("cannot write array ") + name);
  }
  return {};
}

template <typename T>
Status write_array(hid_t group, const char* name, const std::vector<T>& values) {
  if (Status s = create_array(group, name, native<T>(), 0); !s.ok()) return s;
  return append_rows(group, name, native<T>(), values.data(), values.size());
}

// The shape of an array: rows and width (0 for 1-D); false when missing.
bool array_shape(hid_t group, const char* name, hsize_t* rows, hsize_t* width) {
  if (H5Lexists(group, name, H5P_DEFAULT) <= 0) return false;
  Handle data(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  Handle space(data.ok() ? H5Dget_space(data.get()) : -1, H5Sclose);
  if (!space.ok()) return false;
  hsize_t dims[2] = {0, 0};
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0) {
    return false;
  }
  *rows = dims[0];
  *width = rank == 2 ? dims[1] : 0;
  return true;
}

// Rows [first, first + count) into `out` (count x width values).
template <typename T>
bool read_rows(hid_t group, const char* name, hsize_t first, hsize_t count, std::vector<T>* out) {
  hsize_t rows = 0, width = 0;
  if (!array_shape(group, name, &rows, &width) || first + count > rows) return false;
  const hsize_t columns = std::max<hsize_t>(width, 1);
  out->assign(count * columns, T{});
  if (count == 0) return true;
  Handle data(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  Handle file_space(H5Dget_space(data.get()), H5Sclose);
  const int rank = width == 0 ? 1 : 2;
  const hsize_t start[2] = {first, 0}, size[2] = {count, width};
  Handle memory(H5Screate_simple(rank, size, nullptr), H5Sclose);
  return H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr) >=
             0 &&
         H5Dread(data.get(), native<T>(), memory.get(), file_space.get(), H5P_DEFAULT,
                 out->data()) >= 0;
}

template <typename T>
bool read_all(hid_t group, const char* name, std::vector<T>* out) {
  hsize_t rows = 0, width = 0;
  return array_shape(group, name, &rows, &width) && width == 0 &&
         read_rows(group, name, 0, rows, out);
}

// Strings as one byte array and their end offsets.
Status append_strings(hid_t group, const std::string& bytes_name, const std::string& ends_name,
                      const std::vector<std::string>& strings) {
  hsize_t rows = 0, width = 0;
  if (!array_shape(group, bytes_name.c_str(), &rows, &width)) {
    return Status::error("missing array " + bytes_name);
  }
  std::string bytes;
  std::vector<std::int64_t> ends;
  for (const std::string& text : strings) {
    bytes += text;
    ends.push_back(static_cast<std::int64_t>(rows + bytes.size()));
  }
  if (Status s =
          append_rows(group, bytes_name.c_str(), H5T_NATIVE_UINT8, bytes.data(), bytes.size());
      !s.ok()) {
    return s;
  }
  return append_rows(group, ends_name.c_str(), H5T_NATIVE_INT64, ends.data(), ends.size());
}

// The designs' settings as attributes, by name.
struct SettingField {
  const char* name;
  double placement::CostSettings::*member;
};
constexpr SettingField kSettingFields[] = {
    {"canvas_width", &placement::CostSettings::canvas_width},
    {"canvas_height", &placement::CostSettings::canvas_height},
    {"routes_per_micron_horizontal", &placement::CostSettings::routes_per_micron_horizontal},
    {"routes_per_micron_vertical", &placement::CostSettings::routes_per_micron_vertical},
    {"macro_routes_horizontal", &placement::CostSettings::macro_routes_horizontal},
    {"macro_routes_vertical", &placement::CostSettings::macro_routes_vertical},
    {"smoothing_range", &placement::CostSettings::smoothing_range},
    {"overlap_threshold", &placement::CostSettings::overlap_threshold}};

}  // namespace

std::vector<NodeId> placeable_nodes(const netlist::Netlist& netlist) {
  std::vector<NodeId> nodes;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (!netlist::is_pin(netlist.kind(node))) nodes.push_back(node);
  }
  return nodes;
}

DatasetSample sample_of(const placement::ProxyCost& cost, const std::string& method,
                        std::uint64_t seed) {
  DatasetSample sample;
  sample.method = method;
  sample.seed = seed;
  for (const NodeId node : placeable_nodes(cost.netlist())) {
    sample.x.push_back(cost.x(node));
    sample.y.push_back(cost.y(node));
    sample.orientation.push_back(static_cast<std::uint8_t>(cost.orientation(node)));
  }
  sample.costs = cost.costs();
  return sample;
}

// ---- writer ----

struct DatasetWriter::Impl {
  std::string path;
  std::unique_ptr<AtomicFile> file;
  Handle h5;
  struct Design {
    Handle group;
    std::size_t placeable = 0;
  };
  std::map<std::string, Design> designs;
};

DatasetWriter::DatasetWriter() : impl_(std::make_unique<Impl>()) {}
DatasetWriter::~DatasetWriter() {
  if (impl_) impl_->designs.clear();
}

Status DatasetWriter::create(const std::string& path, std::unique_ptr<DatasetWriter>* out) {
  quiet_hdf5();
  if (Status s = AtomicFile::check_output(path); !s.ok()) return s;
  std::unique_ptr<DatasetWriter> writer(new DatasetWriter());
  Impl& impl = *writer->impl_;
  impl.path = path;
  impl.file = std::make_unique<AtomicFile>(path);
  const std::string& temporary = impl.file->temporary_path();
  impl.h5 = Handle(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!impl.h5.ok()) return Status::error_at({path, 0, 0}, "cannot create an HDF5 file");
  const std::int32_t version = kDatasetVersion;
  Handle designs(H5Gcreate2(impl.h5.get(), "designs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Gclose);
  Status status = designs.ok() ? Status() : Status::error("cannot create /designs");
  if (status.ok()) status = write_string_attribute(impl.h5.get(), "format", kFormat);
  if (status.ok()) status = write_attribute(impl.h5.get(), "version", H5T_NATIVE_INT32, &version);
  if (!status.ok()) return Status::error_at({path, 0, 0}, status.message());
  *out = std::move(writer);
  return {};
}

Status DatasetWriter::add_design(const std::string& name, const netlist::Netlist& netlist,
                                 const placement::CostSettings& settings) {
  Impl& impl = *impl_;
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return Status::error("design name '" + name + "' cannot name an HDF5 group");
  }
  if (impl.designs.count(name) > 0) return Status::error("design '" + name + "' added twice");
  const std::string where = "/designs/" + name;
  Handle group(H5Gcreate2(impl.h5.get(), where.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Gclose);
  if (!group.ok()) return Status::error("cannot create " + where);
  const hid_t g = group.get();
  const auto index = static_cast<std::int32_t>(impl.designs.size());
  Status status = write_attribute(g, "index", H5T_NATIVE_INT32, &index);
  if (status.ok()) {
    status =
        write_string_attribute(g, "fingerprint", placement::design_fingerprint(netlist, settings));
  }
  for (const SettingField& field : kSettingFields) {
    if (status.ok())
      status = write_attribute(g, field.name, H5T_NATIVE_DOUBLE, &(settings.*field.member));
  }
  const std::int32_t grid[2] = {settings.columns, settings.rows};
  const auto congestion_grid = static_cast<std::int32_t>(settings.congestion_grid);
  const double weights[3] = {settings.weights.wirelength, settings.weights.density,
                             settings.weights.congestion};
  if (status.ok()) status = write_attribute(g, "columns", H5T_NATIVE_INT32, &grid[0]);
  if (status.ok()) status = write_attribute(g, "rows", H5T_NATIVE_INT32, &grid[1]);
  if (status.ok())
    status = write_attribute(g, "congestion_grid", H5T_NATIVE_INT32, &congestion_grid);
  if (status.ok()) status = write_attribute(g, "weight_wirelength", H5T_NATIVE_DOUBLE, &weights[0]);
  if (status.ok()) status = write_attribute(g, "weight_density", H5T_NATIVE_DOUBLE, &weights[1]);
  if (status.ok()) status = write_attribute(g, "weight_congestion", H5T_NATIVE_DOUBLE, &weights[2]);

  // Nodes.
  const std::size_t n = static_cast<std::size_t>(netlist.num_nodes());
  std::vector<std::uint8_t> kind(n), orientation(n), fixed(n);
  std::vector<double> width(n), height(n), x(n), y(n), offset_x(n), offset_y(n);
  std::vector<std::int32_t> owner(n);
  std::vector<std::string> names(n);
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    kind[node] = static_cast<std::uint8_t>(netlist.kind(node));
    orientation[node] = static_cast<std::uint8_t>(netlist.orientation(node));
    fixed[node] = netlist.fixed(node) ? 1 : 0;
    width[node] = netlist.width(node);
    height[node] = netlist.height(node);
    x[node] = netlist.x(node);
    y[node] = netlist.y(node);
    owner[node] = netlist.pin_owner(node);
    offset_x[node] = netlist.pin_offset_x(node);
    offset_y[node] = netlist.pin_offset_y(node);
    names[node] = std::string(netlist.name(node));
  }
  if (status.ok()) status = write_array(g, "node_kind", kind);
  if (status.ok()) status = write_array(g, "node_orientation", orientation);
  if (status.ok()) status = write_array(g, "node_fixed", fixed);
  if (status.ok()) status = write_array(g, "node_width", width);
  if (status.ok()) status = write_array(g, "node_height", height);
  if (status.ok()) status = write_array(g, "node_x", x);
  if (status.ok()) status = write_array(g, "node_y", y);
  if (status.ok()) status = write_array(g, "pin_owner", owner);
  if (status.ok()) status = write_array(g, "pin_offset_x", offset_x);
  if (status.ok()) status = write_array(g, "pin_offset_y", offset_y);
  if (status.ok()) status = create_array(g, "node_name_bytes", H5T_NATIVE_UINT8, 0);
  if (status.ok()) status = create_array(g, "node_name_end", H5T_NATIVE_INT64, 0);
  if (status.ok()) status = append_strings(g, "node_name_bytes", "node_name_end", names);
  // Nets.
  std::vector<std::int64_t> net_end;
  std::vector<double> net_weight;
  for (netlist::NetId net = 0; net < netlist.num_nets(); ++net) {
    net_end.push_back(netlist.net_begin()[net + 1]);
    net_weight.push_back(netlist.net_weight(net));
  }
  if (status.ok()) status = write_array(g, "net_end", net_end);
  if (status.ok()) status = write_array(g, "net_terminal", netlist.net_terminals());
  if (status.ok()) status = write_array(g, "net_weight", net_weight);
  std::vector<double> blockages;
  for (const netlist::Blockage& b : settings.blockages) {
    blockages.insert(blockages.end(), {b.rect.x0, b.rect.y0, b.rect.x1, b.rect.y1, b.rate});
  }
  if (status.ok()) status = write_array(g, "blockage", blockages);
  // Samples and episodes, appended later.
  const std::vector<NodeId> placeable = placeable_nodes(netlist);
  if (status.ok()) status = write_array(g, "placeable", placeable);
  const auto columns = static_cast<hsize_t>(placeable.size());
  if (columns == 0 && status.ok()) status = Status::error("the design has no placeable node");
  if (status.ok()) status = create_array(g, "sample_x", H5T_NATIVE_DOUBLE, columns);
  if (status.ok()) status = create_array(g, "sample_y", H5T_NATIVE_DOUBLE, columns);
  if (status.ok()) status = create_array(g, "sample_orientation", H5T_NATIVE_UINT8, columns);
  if (status.ok()) status = create_array(g, "sample_costs", H5T_NATIVE_DOUBLE, kCostColumns);
  if (status.ok()) status = create_array(g, "sample_seed", H5T_NATIVE_UINT64, 0);
  if (status.ok()) status = create_array(g, "sample_method_bytes", H5T_NATIVE_UINT8, 0);
  if (status.ok()) status = create_array(g, "sample_method_end", H5T_NATIVE_INT64, 0);
  if (status.ok()) status = create_array(g, "episode_bytes", H5T_NATIVE_UINT8, 0);
  if (status.ok()) status = create_array(g, "episode_end", H5T_NATIVE_INT64, 0);
  if (!status.ok()) return Status::error(where + ": " + status.message());
  impl.designs[name] = Impl::Design{std::move(group), placeable.size()};
  return {};
}

Status DatasetWriter::append_samples(const std::string& name,
                                     const std::vector<DatasetSample>& samples) {
  const auto found = impl_->designs.find(name);
  if (found == impl_->designs.end())
    return Status::error("no design '" + name + "' in the dataset");
  const hid_t g = found->second.group.get();
  const std::size_t columns = found->second.placeable;
  std::vector<double> x, y, costs;
  std::vector<std::uint8_t> orientation;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> methods;
  for (const DatasetSample& sample : samples) {
    if (sample.x.size() != columns || sample.y.size() != columns ||
        sample.orientation.size() != columns) {
      return Status::error("a sample of '" + name + "' lists " + std::to_string(sample.x.size()) +
                           " nodes, the design has " + std::to_string(columns) + " placeable");
    }
    x.insert(x.end(), sample.x.begin(), sample.x.end());
    y.insert(y.end(), sample.y.begin(), sample.y.end());
    orientation.insert(orientation.end(), sample.orientation.begin(), sample.orientation.end());
    costs.insert(costs.end(),
                 {sample.costs.wirelength, sample.costs.wirelength_cost, sample.costs.density_cost,
                  sample.costs.congestion_cost, sample.costs.proxy});
    seeds.push_back(sample.seed);
    methods.push_back(sample.method);
  }
  const hsize_t rows = samples.size();
  Status status = append_rows(g, "sample_x", H5T_NATIVE_DOUBLE, x.data(), rows);
  if (status.ok()) status = append_rows(g, "sample_y", H5T_NATIVE_DOUBLE, y.data(), rows);
  if (status.ok()) {
    status = append_rows(g, "sample_orientation", H5T_NATIVE_UINT8, orientation.data(), rows);
  }
  if (status.ok()) status = append_rows(g, "sample_costs", H5T_NATIVE_DOUBLE, costs.data(), rows);
  if (status.ok()) status = append_rows(g, "sample_seed", H5T_NATIVE_UINT64, seeds.data(), rows);
  if (status.ok()) status = append_strings(g, "sample_method_bytes", "sample_method_end", methods);
  return status;
}

Status DatasetWriter::append_episode(const std::string& name, const std::string& bytes) {
  const auto found = impl_->designs.find(name);
  if (found == impl_->designs.end())
    return Status::error("no design '" + name + "' in the dataset");
  return append_strings(found->second.group.get(), "episode_bytes", "episode_end", {bytes});
}

Status DatasetWriter::commit() {
  Impl& impl = *impl_;
  impl.designs.clear();
  const bool flushed = impl.h5.ok() && H5Fflush(impl.h5.get(), H5F_SCOPE_GLOBAL) >= 0;
  const bool closed = impl.h5.ok() && H5Fclose(impl.h5.get()) >= 0;
  impl.h5 = Handle();  // closed (or failed)
  if (!flushed || !closed) {
    return Status::error_at({impl.path, 0, 0}, "cannot finish the HDF5 file (disk full?)");
  }
  return impl.file->commit();
}

// ---- reader ----

struct DatasetReader::Impl {
  std::string path;
  Handle h5;
  std::int32_t version = 0;
  std::vector<std::string> designs;

  Status error(const std::string& message) const { return Status::error_at({path, 0, 0}, message); }
  // The group of a design, or an error.
  Status group(const std::string& name, Handle* out) const {
    if (std::find(designs.begin(), designs.end(), name) == designs.end()) {
      return error("no design '" + name + "' in the dataset");
    }
    *out = Handle(H5Gopen2(h5.get(), ("/designs/" + name).c_str(), H5P_DEFAULT), H5Gclose);
    return out->ok() ? Status() : error("cannot open design '" + name + "'");
  }
};

DatasetReader::DatasetReader() : impl_(std::make_unique<Impl>()) {}
DatasetReader::~DatasetReader() = default;
std::int32_t DatasetReader::version() const {
  return impl_->version;
}
const std::vector<std::string>& DatasetReader::designs() const {
  return impl_->designs;
}

Status DatasetReader::open(const std::string& path, std::unique_ptr<DatasetReader>* out) {
  quiet_hdf5();
  std::unique_ptr<DatasetReader> reader(new DatasetReader());
  Impl& impl = *reader->impl_;
  impl.path = path;
  if (H5Fis_hdf5(path.c_str()) <= 0) return impl.error("not an HDF5 file (or unreadable)");
  impl.h5 = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!impl.h5.ok()) return impl.error("cannot open the HDF5 file (damaged?)");
  std::string format;
  if (!read_string_attribute(impl.h5.get(), "format", &format) || format != kFormat) {
    return impl.error("not a macroplace dataset (no format attribute '" + std::string(kFormat) +
                      "')");
  }
  if (!read_attribute(impl.h5.get(), "version", &impl.version)) {
    return impl.error("the dataset has no schema version");
  }
  if (impl.version != kDatasetVersion) {
    return impl.error("dataset schema version " + std::to_string(impl.version) +
                      "; this build reads version " + std::to_string(kDatasetVersion));
  }
  Handle designs(H5Gopen2(impl.h5.get(), "designs", H5P_DEFAULT), H5Gclose);
  H5G_info_t info{};
  if (!designs.ok() || H5Gget_info(designs.get(), &info) < 0) {
    return impl.error("the dataset has no /designs group");
  }
  std::vector<std::pair<std::int32_t, std::string>> ordered;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[1024];
    const ssize_t length = H5Lget_name_by_idx(designs.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                              name, sizeof name, H5P_DEFAULT);
    if (length <= 0 || length >= static_cast<ssize_t>(sizeof name)) {
      return impl.error("unreadable design name in /designs");
    }
    Handle group(H5Gopen2(designs.get(), name, H5P_DEFAULT), H5Gclose);
    std::int32_t index = 0;
    if (!group.ok() || !read_attribute(group.get(), "index", &index)) {
      return impl.error("design '" + std::string(name) + "' has no index attribute");
    }
    ordered.emplace_back(index, name);
  }
  std::sort(ordered.begin(), ordered.end());
  for (auto& [index, name] : ordered) impl.designs.push_back(std::move(name));
  *out = std::move(reader);
  return {};
}

Status DatasetReader::read_design(const std::string& name, DatasetDesign* out) const {
  const Impl& impl = *impl_;
  Handle group;
  if (Status s = impl.group(name, &group); !s.ok()) return s;
  const hid_t g = group.get();
  const std::string where = "design '" + name + "': ";
  DatasetDesign design;
  design.name = name;
  if (!read_string_attribute(g, "fingerprint", &design.fingerprint)) {
    return impl.error(where + "no fingerprint attribute");
  }
  placement::CostSettings& settings = design.settings;
  for (const SettingField& field : kSettingFields) {
    if (!read_attribute(g, field.name, &(settings.*field.member))) {
      return impl.error(where + "no " + field.name + " attribute");
    }
  }
  std::int32_t congestion_grid = 0;
  if (!read_attribute(g, "columns", &settings.columns) ||
      !read_attribute(g, "rows", &settings.rows) ||
      !read_attribute(g, "congestion_grid", &congestion_grid) ||
      !read_attribute(g, "weight_wirelength", &settings.weights.wirelength) ||
      !read_attribute(g, "weight_density", &settings.weights.density) ||
      !read_attribute(g, "weight_congestion", &settings.weights.congestion)) {
    return impl.error(where + "missing a grid or weight attribute");
  }
  settings.congestion_grid = congestion_grid == 1 ? placement::CongestionGrid::kSeparate
                                                  : placement::CongestionGrid::kLegacy;

  std::vector<std::uint8_t> kind, orientation, fixed, name_bytes;
  std::vector<double> width, height, x, y, offset_x, offset_y, net_weight, blockages;
  std::vector<std::int32_t> owner, terminals, placeable;
  std::vector<std::int64_t> name_end, net_end;
  const struct {
    const char* array;
    bool ok;
  } arrays[] = {{"node_kind", read_all(g, "node_kind", &kind)},
                {"node_orientation", read_all(g, "node_orientation", &orientation)},
                {"node_fixed", read_all(g, "node_fixed", &fixed)},
                {"node_width", read_all(g, "node_width", &width)},
                {"node_height", read_all(g, "node_height", &height)},
                {"node_x", read_all(g, "node_x", &x)},
                {"node_y", read_all(g, "node_y", &y)},
                {"pin_owner", read_all(g, "pin_owner", &owner)},
                {"pin_offset_x", read_all(g, "pin_offset_x", &offset_x)},
                {"pin_offset_y", read_all(g, "pin_offset_y", &offset_y)},
                {"node_name_bytes", read_all(g, "node_name_bytes", &name_bytes)},
                {"node_name_end", read_all(g, "node_name_end", &name_end)},
                {"net_end", read_all(g, "net_end", &net_end)},
                {"net_terminal", read_all(g, "net_terminal", &terminals)},
                {"net_weight", read_all(g, "net_weight", &net_weight)},
                {"blockage", read_all(g, "blockage", &blockages)},
                {"placeable", read_all(g, "placeable", &placeable)}};
  for (const auto& array : arrays) {
    if (!array.ok) return impl.error(where + "array " + array.array + " missing or damaged");
  }
  const std::size_t n = kind.size();
  for (const std::size_t size :
       {orientation.size(), fixed.size(), width.size(), height.size(), x.size(), y.size(),
        owner.size(), offset_x.size(), offset_y.size(), name_end.size()}) {
    if (size != n) return impl.error(where + "node arrays of different lengths");
  }
  if (net_end.size() != net_weight.size() || blockages.size() % 5 != 0) {
    return impl.error(where + "net or blockage arrays of inconsistent lengths");
  }
  // Ranges first: the netlist is built only from indices that are in bounds.
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (kind[i] >= netlist::kNumNodeKinds || orientation[i] > 7) {
      return impl.error(where + "node " + std::to_string(i) + ": kind or orientation out of range");
    }
    if (name_end[i] < previous || name_end[i] > static_cast<std::int64_t>(name_bytes.size())) {
      return impl.error(where + "node names out of range");
    }
    previous = name_end[i];
    const bool pin = netlist::is_pin(static_cast<NodeKind>(kind[i]));
    if (pin && (owner[i] < 0 || static_cast<std::size_t>(owner[i]) >= n)) {
      return impl.error(where + "pin " + std::to_string(i) + ": owner out of range");
    }
  }
  previous = 0;
  for (const std::int64_t end : net_end) {
    if (end < previous || end > static_cast<std::int64_t>(terminals.size())) {
      return impl.error(where + "net ends out of range");
    }
    previous = end;
  }
  if (previous != static_cast<std::int64_t>(terminals.size())) {
    return impl.error(where + "net terminals beyond the last net");
  }
  for (const std::int32_t terminal : terminals) {
    if (terminal < 0 || static_cast<std::size_t>(terminal) >= n) {
      return impl.error(where + "net terminal out of range");
    }
  }
  // The netlist, then its fingerprint against the stored one.
  netlist::Netlist& netlist = design.netlist;
  std::int64_t begin = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view node_name(reinterpret_cast<const char*>(name_bytes.data()) + begin,
                                     static_cast<std::size_t>(name_end[i] - begin));
    begin = name_end[i];
    const auto node_kind = static_cast<NodeKind>(kind[i]);
    NodeId node = 0;
    if (netlist::is_pin(node_kind)) {
      node = netlist.add_pin(owner[i], node_kind, node_name, offset_x[i], offset_y[i]);
      netlist.set_position(node, x[i], y[i]);
    } else {
      node = netlist.add_node(node_kind, node_name, width[i], height[i], x[i], y[i]);
    }
    netlist.set_orientation(node, static_cast<netlist::Orientation>(orientation[i]));
    netlist.set_fixed(node, fixed[i] != 0);
  }
  begin = 0;
  for (std::size_t net = 0; net < net_end.size(); ++net) {
    netlist.add_net(terminals.data() + begin, static_cast<std::size_t>(net_end[net] - begin),
                    net_weight[net]);
    begin = net_end[net];
  }
  for (std::size_t i = 0; i < blockages.size(); i += 5) {
    settings.blockages.push_back(
        {{blockages[i], blockages[i + 1], blockages[i + 2], blockages[i + 3]}, blockages[i + 4]});
  }
  if (Status s = netlist.validate(); !s.ok()) return impl.error(where + s.message());
  if (Status s = settings.validate(); !s.ok()) return impl.error(where + s.message());
  const std::string fingerprint = placement::design_fingerprint(netlist, settings);
  if (fingerprint != design.fingerprint) {
    return impl.error(where + "the stored design does not match its fingerprint (" + fingerprint +
                      " against " + design.fingerprint + "): damaged or edited");
  }
  design.placeable.assign(placeable.begin(), placeable.end());
  if (design.placeable != placeable_nodes(netlist)) {
    return impl.error(where + "placeable nodes do not match the netlist");
  }
  hsize_t rows = 0, columns = 0, episodes = 0;
  if (!array_shape(g, "sample_x", &rows, &columns) || columns != design.placeable.size() ||
      !array_shape(g, "episode_end", &episodes, &columns)) {
    return impl.error(where + "sample or episode arrays missing or mis-sized");
  }
  design.samples = static_cast<std::int64_t>(rows);
  design.episodes = static_cast<std::int64_t>(episodes);
  *out = std::move(design);
  return {};
}

Status DatasetReader::read_samples(const std::string& name, std::int64_t first, std::int64_t count,
                                   std::vector<DatasetSample>* out) const {
  const Impl& impl = *impl_;
  Handle group;
  if (Status s = impl.group(name, &group); !s.ok()) return s;
  const hid_t g = group.get();
  const std::string where = "design '" + name + "': ";
  hsize_t rows = 0, columns = 0;
  if (!array_shape(g, "sample_x", &rows, &columns) || first < 0 || count < 0 ||
      static_cast<hsize_t>(first) + static_cast<hsize_t>(count) > rows) {
    return impl.error(where + "samples " + std::to_string(first) + " to " +
                      std::to_string(first + count) + " out of " + std::to_string(rows));
  }
  out->clear();
  if (count == 0) return {};  // an empty read (HDF5 refuses an empty selection)
  const auto f = static_cast<hsize_t>(first), c = static_cast<hsize_t>(count);
  std::vector<double> x, y, costs;
  std::vector<std::uint8_t> orientation, method_bytes;
  std::vector<std::uint64_t> seeds;
  std::vector<std::int64_t> method_end;
  hsize_t method_rows = 0, unused = 0;
  if (!read_rows(g, "sample_x", f, c, &x) || !read_rows(g, "sample_y", f, c, &y) ||
      !read_rows(g, "sample_orientation", f, c, &orientation) ||
      !read_rows(g, "sample_costs", f, c, &costs) || !read_rows(g, "sample_seed", f, c, &seeds) ||
      !array_shape(g, "sample_method_end", &method_rows, &unused) || method_rows != rows ||
      !read_all(g, "sample_method_end", &method_end) ||
      !read_all(g, "sample_method_bytes", &method_bytes) || costs.size() != c * kCostColumns) {
    return impl.error(where + "sample arrays missing or damaged");
  }
  for (hsize_t i = 0; i < c; ++i) {
    DatasetSample sample;
    const std::size_t row = f + i;
    const std::int64_t begin = row == 0 ? 0 : method_end[row - 1];
    const std::int64_t end = method_end[row];
    if (begin < 0 || end < begin || end > static_cast<std::int64_t>(method_bytes.size())) {
      return impl.error(where + "sample methods out of range");
    }
    sample.method.assign(reinterpret_cast<const char*>(method_bytes.data()) + begin,
                         static_cast<std::size_t>(end - begin));
    sample.seed = seeds[i];
    sample.x.assign(x.begin() + static_cast<std::ptrdiff_t>(i * columns),
                    x.begin() + static_cast<std::ptrdiff_t>((i + 1) * columns));
    sample.y.assign(y.begin() + static_cast<std::ptrdiff_t>(i * columns),
                    y.begin() + static_cast<std::ptrdiff_t>((i + 1) * columns));
    sample.orientation.assign(orientation.begin() + static_cast<std::ptrdiff_t>(i * columns),
                              orientation.begin() + static_cast<std::ptrdiff_t>((i + 1) * columns));
    const double* cost = costs.data() + i * kCostColumns;
    sample.costs = {cost[0], cost[1], cost[2], cost[3], cost[4]};
    out->push_back(std::move(sample));
  }
  return {};
}

Status DatasetReader::read_episode(const std::string& name, std::int64_t index,
                                   std::string* bytes) const {
  const Impl& impl = *impl_;
  Handle group;
  if (Status s = impl.group(name, &group); !s.ok()) return s;
  std::vector<std::int64_t> ends;
  std::vector<std::uint8_t> data;
  if (!read_all(group.get(), "episode_end", &ends)) {
    return impl.error("design '" + name + "': episode arrays missing or damaged");
  }
  if (index < 0 || static_cast<std::size_t>(index) >= ends.size()) {
    return impl.error("design '" + name + "': no episode " + std::to_string(index));
  }
  const std::int64_t begin = index == 0 ? 0 : ends[static_cast<std::size_t>(index) - 1];
  const std::int64_t end = ends[static_cast<std::size_t>(index)];
  if (begin < 0 || end < begin ||
      !read_rows(group.get(), "episode_bytes", static_cast<hsize_t>(begin),
                 static_cast<hsize_t>(end - begin), &data)) {
    return impl.error("design '" + name + "': episode " + std::to_string(index) + " damaged");
  }
  bytes->assign(data.begin(), data.end());
  return {};
}

}  // namespace macroplace::pretrain
