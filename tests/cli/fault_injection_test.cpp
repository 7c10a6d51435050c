// Fault injection on the real `macroplace` executable: killed at a spread of moments, out of disk
// space (a file-size limit), each command leaves either its old output or the complete new one,
// no temporaries once it is rerun (none at all after SIGTERM), and a rerun or resume gives exactly
// what an uninterrupted run gives. Kill points are spread evenly over an uninterrupted run's
// duration, so they fall in loading, computing and writing alike.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "macroplace/base/json_reader.h"
#include "testing/testing.h"

namespace macroplace {
namespace {

namespace fs = std::filesystem;
using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;
using macroplace::testing::read_file;
using macroplace::testing::write_file;

using Clock = std::chrono::steady_clock;

struct Launch {
  std::vector<std::string> args;  // after "macroplace"
  std::string log;                // stdout and stderr
  rlim_t file_size_limit = RLIM_INFINITY;
};

pid_t spawn(const Launch& launch) {
  const pid_t child = fork();
  if (child != 0) return child;
  const int log = ::open(launch.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log >= 0) {
    dup2(log, 1);
    dup2(log, 2);
  }
  if (launch.file_size_limit != RLIM_INFINITY) {
    // A full disk as writers see it: write() fails with EFBIG instead of killing the process.
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{launch.file_size_limit, launch.file_size_limit};
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  std::vector<char*> argv;
  std::string program = MACROPLACE_EXECUTABLE;
  argv.push_back(program.data());
  std::vector<std::string> args = launch.args;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(program.c_str(), argv.data());
  _exit(127);
}

// The exit status, or 128 + the signal that ended it (as a shell reports it).
int wait_for(pid_t child) {
  int status = 0;
  if (waitpid(child, &status, 0) != child) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_to_end(const Launch& launch) {
  return wait_for(spawn(launch));
}

// Runs `launch` and sends `signal_number` after `delay` (if it is still running then).
int run_and_kill(const Launch& launch, std::chrono::microseconds delay, int signal_number) {
  const pid_t child = spawn(launch);
  std::this_thread::sleep_for(delay);
  kill(child, signal_number);
  return wait_for(child);
}

std::chrono::microseconds timed(const Launch& launch, int* status) {
  const auto start = Clock::now();
  *status = run_to_end(launch);
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

// Kill point k of n over a run of `duration`: from 5% to 100% of it.
std::chrono::microseconds kill_point(std::chrono::microseconds duration, int k, int n) {
  return duration * (5 + 95 * k / (n - 1)) / 100;
}

// Names in `dir` that a writer left behind (temporaries and staging folders).
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".macroplace-tmp.") != std::string::npos) found.push_back(name);
  }
  return found;
}

std::string body(const std::string& plc) {
  const auto at = plc.find("# node_index");
  return at == std::string::npos ? plc : plc.substr(at);
}

constexpr int kKillPoints = 12;

// place: the old output or the whole new one after a kill at any moment; the mode of the file it
// replaces is kept; a rerun writes exactly the uninterrupted result and sweeps the temporaries
// of the killed process.
TEST(FaultInjection, PlaceKilledAnywhere) {
  const std::string dir = make_temp_dir("fault_place");
  const std::string out = dir + "/out.plc";
  const Launch place{{"place", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                      example_path("ariane133-ng45/legalized.plc"), "--max-moves", "20000",
                      "--seed", "3", "-o", out, "--quiet"},
                     dir + "/log.txt"};
  int status = 0;
  const auto duration = timed(place, &status);
  ASSERT_EQ(status, 0) << read_file(place.log);
  const std::string reference = body(read_file(out));
  const std::string old = "old placement\n";
  int interrupted = 0;
  for (int k = 0; k < kKillPoints; ++k) {
    write_file(out, old);
    ASSERT_EQ(chmod(out.c_str(), 0600), 0);
    const int signal_number = k % 2 == 0 ? SIGKILL : SIGTERM;
    status = run_and_kill(place, kill_point(duration, k, kKillPoints), signal_number);
    interrupted += status == 128 + signal_number ? 1 : 0;
    const std::string after = read_file(out);
    EXPECT_TRUE(after == old || body(after) == reference) << "kill point " << k;
    if (signal_number == SIGTERM) {
      EXPECT_TRUE(leftovers(dir).empty()) << "kill point " << k;
    }

    ASSERT_EQ(run_to_end(place), 0) << read_file(place.log);
    EXPECT_EQ(body(read_file(out)), reference) << "kill point " << k;
    EXPECT_EQ(fs::status(out).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_TRUE(leftovers(dir).empty()) << "kill point " << k;
  }
  EXPECT_GE(interrupted, kKillPoints / 3);  // the kill points fell inside the run
}

// place on a full disk: the error is said, the old output stays, no temporary is left.
TEST(FaultInjection, PlaceOnAFullDiskKeepsTheOldOutput) {
  const std::string dir = make_temp_dir("fault_place_full");
  const std::string out = dir + "/out.plc";
  write_file(out, "old placement\n");
  Launch place{{"place", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                example_path("ariane133-ng45/legalized.plc"), "--method", "legalize", "-o", out,
                "--report", dir + "/report.json", "--quiet"},
               dir + "/log.txt",
               4096};
  EXPECT_EQ(run_to_end(place), 1);
  EXPECT_NE(read_file(place.log).find(out), std::string::npos) << read_file(place.log);
  EXPECT_EQ(read_file(out), "old placement\n");
  EXPECT_FALSE(fs::exists(dir + "/report.json"));
  EXPECT_TRUE(leftovers(dir).empty());
}

// cluster: its three files are one set, old or new, after a kill at any moment or a full disk.
TEST(FaultInjection, ClusterKilledAnywhereOrOutOfSpace) {
  const std::string dir = make_temp_dir("fault_cluster");
  const std::string out = dir + "/out";
  const auto cluster = [&](const std::string& seed, rlim_t limit = RLIM_INFINITY) {
    return Launch{{"cluster", example_path("ariane133-ng45/flat.pb.txt.gz"), "-o", out,
                   "--clusters", "50", "--seed", seed},
                  dir + "/log.txt",
                  limit};
  };
  const std::vector<std::string> files = {"netlist.pb.txt", "initial.plc", "clusters.txt"};
  // The files without the .plc's "# Date :" line (the moment it was written).
  const auto contents = [&] {
    std::map<std::string, std::string> set;
    for (const std::string& file : files) {
      if (!fs::exists(out + "/" + file)) continue;
      std::string text = read_file(out + "/" + file);
      if (const auto date = text.find("\n# Date : "); date != std::string::npos) {
        text.erase(date, text.find('\n', date + 1) - date);
      }
      set[file] = text;
    }
    return set;
  };
  ASSERT_EQ(run_to_end(cluster("2")), 0) << read_file(dir + "/log.txt");
  const auto old = contents();
  int status = 0;
  const auto duration = timed(cluster("1"), &status);
  ASSERT_EQ(status, 0) << read_file(dir + "/log.txt");
  const auto reference = contents();
  ASSERT_EQ(reference.size(), 3u);
  ASSERT_NE(reference, old);
  EXPECT_NE(reference.at("initial.plc").find("# This file : " + out + "/initial.plc\n"),
            std::string::npos);

  const Launch restore = cluster("2");
  int interrupted = 0;
  for (int k = 0; k < kKillPoints; ++k) {
    ASSERT_EQ(run_to_end(restore), 0);
    const int signal_number = k % 2 == 0 ? SIGKILL : SIGTERM;
    const int status_after_kill =
        run_and_kill(cluster("1"), kill_point(duration, k, kKillPoints), signal_number);
    interrupted += status_after_kill == 128 + signal_number ? 1 : 0;
    const auto after = contents();
    EXPECT_TRUE(after == old || after == reference) << "kill point " << k;
    if (signal_number == SIGTERM) {
      EXPECT_TRUE(leftovers(dir).empty()) << "kill point " << k;
    }
  }
  EXPECT_GE(interrupted, kKillPoints / 3);
  ASSERT_EQ(run_to_end(cluster("1")), 0);
  EXPECT_EQ(contents(), reference);
  EXPECT_TRUE(leftovers(dir).empty());

  // The netlist (9 MB) does not fit under a 1 MB file-size limit: the old set stays whole.
  ASSERT_EQ(run_to_end(restore), 0);
  EXPECT_EQ(run_to_end(cluster("1", 1 << 20)), 1);
  EXPECT_EQ(contents(), old);
  EXPECT_TRUE(leftovers(dir).empty());
}

// The metrics of a run without what depends on time.
std::vector<std::map<std::string, std::string>> metrics_of(const std::string& path) {
  std::vector<std::map<std::string, std::string>> lines;
  const std::string text = read_file(path);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) {
      ADD_FAILURE() << path << " ends with a torn line";
      break;
    }
    FlatJsonObject object;
    const Status status = parse_flat_json_object(std::string_view(text).substr(at, end - at), path,
                                                 lines.size() + 1, &object);
    EXPECT_TRUE(status.ok()) << status.to_string();
    std::map<std::string, std::string> line;
    for (const auto& [key, value] : object.fields) {
      if (key.size() > 2 && key.compare(key.size() - 2, 2, "_s") == 0) continue;  // timings
      line[key] =
          value.kind == JsonValue::Kind::kString ? value.text : std::to_string(value.number);
    }
    lines.push_back(line);
    at = end + 1;
  }
  return lines;
}

// train: killed at any moment, resumed (and killed again in the resume), the run ends with the
// metrics and best placement of an uninterrupted run: nothing lost, nothing twice. Then one more
// iteration, resumed from the final checkpoint, equals the uninterrupted run's: the policy and
// the optimizer's state came through too (the checkpoint's bytes are not comparable: LibTorch
// stores Adam's state in an order that varies between processes).
TEST(FaultInjection, TrainKilledAnywhereResumesExactly) {
  if (!MACROPLACE_HAS_TRAIN) GTEST_SKIP() << "built without rl/ (LibTorch)";
  const std::string dir = make_temp_dir("fault_train");
  const auto train = [&](const std::string& run, bool resume, int iterations,
                         rlim_t limit = RLIM_INFINITY) {
    Launch launch{
        {"train", example_path("ct/sample_clustered/netlist.pb.txt"), "--plc",
         example_path("ct/sample_clustered/initial.plc"), "--out", dir + "/" + run,
         "--episodes-per-iter", "4", "--iterations", std::to_string(iterations), "--minibatch", "8",
         "--threads", "1", "--torch-threads", "1", "--seed", "5", "--quiet"},
        dir + "/log.txt",
        limit};
    launch.args.push_back("--record-episodes");  // resumed exactly too (compared below)
    if (resume) launch.args.push_back("--resume");
    return launch;
  };
  const auto metrics = [&](const std::string& run) {
    return metrics_of(dir + "/" + run + "/metrics.jsonl");
  };
  int status = 0;
  const auto duration = timed(train("reference", false, 5), &status);
  ASSERT_EQ(status, 0) << read_file(dir + "/log.txt");
  const auto reference = metrics("reference");
  ASSERT_EQ(reference.size(), 5u);
  const std::string reference_best = read_file(dir + "/reference/best.json");
  const std::string reference_plc = body(read_file(dir + "/reference/best.plc"));
  // The recorded episodes too: a resume cuts them back to the checkpoint like the metrics.
  const auto episodes = [&](const std::string& run) {
    return read_file(dir + "/" + run + "/episodes.jsonl");
  };
  const std::string reference_episodes = episodes("reference");
  ASSERT_FALSE(reference_episodes.empty());
  ASSERT_EQ(run_to_end(train("reference", true, 6)), 0) << read_file(dir + "/log.txt");
  const auto reference_six = metrics("reference");
  const std::string reference_six_episodes = episodes("reference");
  ASSERT_EQ(reference_six.size(), 6u);

  int interrupted = 0;
  for (int k = 0; k < kKillPoints; ++k) {
    const std::string run = "run" + std::to_string(k);
    const auto first_kill = kill_point(duration, k, kKillPoints);
    status = run_and_kill(train(run, false, 5), first_kill, SIGKILL);
    interrupted += status == 128 + SIGKILL ? 1 : 0;
    // Resume until it finishes (odd kill points: the first resume is killed too); a run killed
    // before its first checkpoint starts again.
    for (int attempt = 0; status != 0; ++attempt) {
      ASSERT_LT(attempt, 3) << "kill point " << k << ": " << read_file(dir + "/log.txt");
      const bool resume = fs::exists(dir + "/" + run + "/checkpoint.pt");
      const Launch again = train(run, resume, 5);
      status = attempt == 0 && k % 2 == 1 ? run_and_kill(again, first_kill / 2, SIGKILL)
                                          : run_to_end(again);
    }
    EXPECT_EQ(metrics(run), reference) << "kill point " << k;
    EXPECT_EQ(episodes(run), reference_episodes) << "kill point " << k;
    EXPECT_EQ(read_file(dir + "/" + run + "/best.json"), reference_best) << "kill point " << k;
    EXPECT_EQ(body(read_file(dir + "/" + run + "/best.plc")), reference_plc);
    EXPECT_TRUE(leftovers(dir + "/" + run).empty()) << "kill point " << k;
    if (k % 3 == 0) {  // the sixth iteration (a third of the kill points: it costs a process)
      ASSERT_EQ(run_to_end(train(run, true, 6)), 0) << read_file(dir + "/log.txt");
      EXPECT_EQ(metrics(run), reference_six) << "kill point " << k;
      EXPECT_EQ(episodes(run), reference_six_episodes) << "kill point " << k;
    }
  }
  EXPECT_GE(interrupted, kKillPoints / 3);

  // Out of space at the first checkpoint (1.6 MB under a 256 kB limit): an error that names the
  // checkpoint, no checkpoint, and a rerun that gives the uninterrupted run.
  EXPECT_EQ(run_to_end(train("full", false, 5, 256 << 10)), 1);
  EXPECT_NE(read_file(dir + "/log.txt").find("checkpoint.pt"), std::string::npos)
      << read_file(dir + "/log.txt");
  EXPECT_FALSE(fs::exists(dir + "/full/checkpoint.pt"));
  EXPECT_TRUE(leftovers(dir + "/full").empty());
  ASSERT_EQ(run_to_end(train("full", false, 5)), 0) << read_file(dir + "/log.txt");
  EXPECT_EQ(metrics("full"), reference);
}

// A port nobody listens on now (the learner must bind it again after a restart).
std::uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::size_t lines_in(const std::string& path) {
  if (!fs::exists(path)) return 0;
  const std::string text = read_file(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A small distributed training run (the CT sample design, 6 iterations of 4 units) in `dir`,
// learning on `port`; `learning` is what it learned, without timings and who collected.
struct DistributedRun {
  std::string dir;
  std::string where;  // 127.0.0.1:PORT

  Launch train(const std::string& run, const std::vector<std::string>& extra) const {
    Launch launch{{"train",
                   example_path("ct/sample_clustered/netlist.pb.txt"),
                   "--plc",
                   example_path("ct/sample_clustered/initial.plc"),
                   "--out",
                   dir + "/" + run,
                   "--episodes-per-iter",
                   "8",
                   "--iterations",
                   "6",
                   "--minibatch",
                   "8",
                   "--torch-threads",
                   "1",
                   "--seed",
                   "5",
                   "--unit-episodes",
                   "2",
                   "--collector-timeout",
                   "2",
                   "--quiet"},
                  dir + "/" + run + ".log"};
    launch.args.insert(launch.args.end(), extra.begin(), extra.end());
    return launch;
  }
  Launch collector(int i) const {
    return {{"collect", "--connect", where, "--connect-timeout", "60", "--torch-threads", "1",
             "--quiet"},
            dir + "/collector" + std::to_string(i) + ".log"};
  }
  std::vector<std::map<std::string, std::string>> learning(const std::string& run) const {
    auto lines = metrics_of(dir + "/" + run + "/metrics.jsonl");
    for (auto& line : lines) {
      for (const char* name : {"collectors", "collectors_alive", "records_dropped"}) {
        line.erase(name);
      }
    }
    return lines;
  }
  // Waits (up to a minute) until `run` has logged `count` iterations.
  void wait_for_iterations(const std::string& run, std::size_t count) const {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (lines_in(dir + "/" + run + "/metrics.jsonl") < count && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
};

DistributedRun distributed_run(const std::string& name) {
  const std::uint16_t port = free_port();
  EXPECT_NE(port, 0);
  return {make_temp_dir(name), "127.0.0.1:" + std::to_string(port)};
}

// The processes `parent` started (Linux's /proc children list).
std::vector<pid_t> children_of(pid_t parent) {
  const std::string text = read_file("/proc/" + std::to_string(parent) + "/task/" +
                                     std::to_string(parent) + "/children");
  std::istringstream words(text);
  std::vector<pid_t> children;
  for (long pid = 0; words >> pid;) children.push_back(static_cast<pid_t>(pid));
  return children;
}

// The worker `collect` runs its work in (it supervises one child), waited for up to 30 s.
pid_t collect_worker(pid_t collect) {
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    const std::vector<pid_t> children = children_of(collect);
    if (children.size() == 1) return children[0];
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

// Distributed training: the learner is killed mid-run and resumed on the same port; its remote
// collectors reconnect, and the run ends with the metrics of an undisturbed run with local
// collectors (the same units, the same seeds), then the collectors stop cleanly.
TEST(FaultInjection, LearnerKilledAndResumedKeepsItsCollectors) {
  if (!MACROPLACE_HAS_TRAIN) GTEST_SKIP() << "built without rl/ (LibTorch)";
  const DistributedRun run = distributed_run("fault_learner");
  ASSERT_EQ(run_to_end(run.train("reference", {"--collectors", "2"})), 0)
      << read_file(run.dir + "/reference.log");
  const auto reference = run.learning("reference");
  ASSERT_EQ(reference.size(), 6u);

  const pid_t learner = spawn(run.train("run", {"--listen", run.where}));
  std::vector<pid_t> collectors;
  collectors.reserve(2);
  for (int i = 0; i < 2; ++i) collectors.push_back(spawn(run.collector(i)));
  run.wait_for_iterations("run", 2);
  kill(learner, SIGKILL);
  EXPECT_EQ(wait_for(learner), 128 + SIGKILL);
  ASSERT_GE(lines_in(run.dir + "/run/metrics.jsonl"), 2u);
  ASSERT_EQ(run_to_end(run.train("run", {"--listen", run.where, "--resume"})), 0)
      << read_file(run.dir + "/run.log");
  for (std::size_t i = 0; i < collectors.size(); ++i) {
    EXPECT_EQ(wait_for(collectors[i]), 0)
        << read_file(run.dir + "/collector" + std::to_string(i) + ".log");
  }
  EXPECT_EQ(run.learning("run"), reference);
}

// A collector's work dies of a signal mid-run (as LibTorch's store client aborts it when the
// learner's connection is reset): `collect` starts it again, it registers anew, and the run
// learns exactly what an undisturbed one does.
TEST(FaultInjection, CollectorWorkerAbortIsRestarted) {
  if (!MACROPLACE_HAS_TRAIN) GTEST_SKIP() << "built without rl/ (LibTorch)";
  const DistributedRun run = distributed_run("fault_collector");
  ASSERT_EQ(run_to_end(run.train("reference", {"--collectors", "1"})), 0)
      << read_file(run.dir + "/reference.log");
  const auto reference = run.learning("reference");
  ASSERT_EQ(reference.size(), 6u);

  const pid_t learner = spawn(run.train("run", {"--listen", run.where}));
  const pid_t collector = spawn(run.collector(0));
  const pid_t worker = collect_worker(collector);
  ASSERT_GT(worker, 0);
  run.wait_for_iterations("run", 2);
  kill(worker, SIGABRT);
  EXPECT_EQ(wait_for(learner), 0) << read_file(run.dir + "/run.log");
  EXPECT_EQ(wait_for(collector), 0) << read_file(run.dir + "/collector0.log");
  EXPECT_NE(read_file(run.dir + "/collector0.log").find("starting it again"), std::string::npos)
      << read_file(run.dir + "/collector0.log");
  EXPECT_EQ(run.learning("run"), reference);
}

// `collect --device`: a name that is no device is a usage error before any worker starts; a
// device this build cannot use (CUDA with a CPU-only LibTorch) fails in the worker, once.
TEST(FaultInjection, CollectorDeviceErrorsEndIt) {
  if (!MACROPLACE_HAS_TRAIN) GTEST_SKIP() << "built without rl/ (LibTorch)";
  const DistributedRun run = distributed_run("fault_collector_device");  // no learner
  const Launch bad{{"collect", "--connect", run.where, "--device", "gpu"}, run.dir + "/bad.log"};
  EXPECT_EQ(run_to_end(bad), 2);
  EXPECT_NE(read_file(bad.log).find("expected cpu, cuda, cuda:N or auto"), std::string::npos)
      << read_file(bad.log);
  const Launch cuda{
      {"collect", "--connect", run.where, "--device", "cuda", "--connect-timeout", "0"},
      run.dir + "/cuda.log"};
  EXPECT_EQ(run_to_end(cuda), 1);
  const std::string log = read_file(cuda.log);
  EXPECT_TRUE(log.find("no CUDA") != std::string::npos ||
              log.find("cannot reach") != std::string::npos)
      << log;
  EXPECT_EQ(log.find("starting it again"), std::string::npos) << log;
}

// SIGTERM to `collect` ends its worker too, and `collect` ends as SIGTERM ends a process.
TEST(FaultInjection, CollectorTerminatedEndsItsWorker) {
  if (!MACROPLACE_HAS_TRAIN) GTEST_SKIP() << "built without rl/ (LibTorch)";
  const DistributedRun run = distributed_run("fault_collector_term");  // no learner: it waits
  const pid_t collector = spawn(run.collector(0));
  const pid_t worker = collect_worker(collector);
  ASSERT_GT(worker, 0);
  kill(collector, SIGTERM);
  EXPECT_EQ(wait_for(collector), 128 + SIGTERM) << read_file(run.dir + "/collector0.log");
  EXPECT_NE(kill(worker, 0), 0);  // reaped before `collect` ended
}

}  // namespace
}  // namespace macroplace
