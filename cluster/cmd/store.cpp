// `kubepp store [--listen-client-urls URL] [--data-dir DIR] [--snapshot-count N]
// [--gateway-threads N]` — the store as a server, with etcd's flag names where etcd has
// them, speaking etcd 3.4's v3 JSON gateway (cluster/store/server/), until SIGTERM or
// SIGINT. Prints the address it serves on (useful with port 0).
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <iostream>

#include "cluster/cmd/commands.h"
#include "cluster/store/durable_store.h"
#include "cluster/store/server/gateway_json.h"
#include "cluster/store/server/server.h"
#include "cluster/store/watchable_store.h"
#include "runtime/cli/flags.h"

namespace kubepp::cmd {

int store_main(const cli::GlobalOptions&, const std::vector<std::string>& args) {
  std::string listen = "http://127.0.0.1:2379";
  std::string data_dir;
  std::string snapshot_count = "100000";
  std::string gateway_threads = "64";
  cli::FlagSet flags(
      "kubepp store [--listen-client-urls http://HOST:PORT] [--data-dir DIR] [--snapshot-count N] [--gateway-threads N]");
  flags.add_string("listen-client-urls", &listen,
                   "serve etcd's v3 JSON gateway at this URL (default http://127.0.0.1:2379; port 0: a free port)");
  flags.add_string("data-dir", &data_dir,
                   "keep the store durable in DIR (write-ahead log; a lock keeps a second store out); "
                   "without it the store lives in memory");
  flags.add_string("snapshot-count", &snapshot_count,
                   "with --data-dir: write a snapshot and drop the log it covers after N writes (default 100000)");
  flags.add_string("gateway-threads", &gateway_threads,
                   "connections served at once, each open watch stream holding one (default 64)");
  Result<std::vector<std::string>> rest = flags.parse(args);
  if (flags.help_requested()) {
    std::cout << flags.help();
    return 0;
  }
  if (!rest || !rest.value().empty()) {
    std::cerr << "kubepp store: " << (rest ? "unexpected argument `" + rest.value()[0] + "`" : rest.error().message) << "\n";
    return 2;
  }
  // A count flag: a whole number, 1 or more.
  auto count = [](const std::string& flag, const std::string& text, int64_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec == std::errc() && end == text.data() + text.size() && out >= 1) return true;
    std::cerr << "kubepp store: --" << flag << " `" << text << "`: want a whole number, 1 or more\n";
    return false;
  };
  int64_t snapshots_every = 0, threads = 0;
  if (!count("snapshot-count", snapshot_count, snapshots_every) || !count("gateway-threads", gateway_threads, threads)) {
    return 2;
  }
  Result<store::gateway::HttpUrl> url = store::gateway::parse_http_url(listen, /*allow_port_zero=*/true);
  if (!url) {
    std::cerr << "kubepp store: --listen-client-urls `" << listen << "`: "
              << (listen.find(',') != std::string::npos ? "kubepp store listens on one URL for now" : url.error().message)
              << "\n";
    return 2;
  }

  // Block the stop signals before any thread starts, so that every thread inherits the
  // mask and sigwait() below is the one place they arrive.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // With a data directory: every acknowledged write is on disk first (durable_store.h).
  std::unique_ptr<store::Store> kv;
  if (data_dir.empty()) {
    kv = std::make_unique<store::WatchableStore>();
  } else {
    store::DurableStore::Options options;
    options.data_dir = data_dir;
    options.snapshot_count = snapshots_every;
    Result<std::unique_ptr<store::DurableStore>> durable = store::DurableStore::open(options);
    if (!durable) {
      std::cerr << "kubepp store: " << durable.error().message << "\n";
      return 1;
    }
    kv = std::move(durable.value());
  }
  store::GatewayServer::Options server_options;
  server_options.threads = static_cast<size_t>(threads);
  store::GatewayServer server(*kv, server_options);
  Result<int> port = server.start(url.value().host, url.value().port);
  if (!port) {
    std::cerr << "kubepp store: " << port.error().message << "\n";
    return 1;
  }
  const std::string& host = url.value().host;
  const bool v6 = host.find(':') != std::string::npos;
  std::cout << "kubepp store: serving etcd's v3 JSON gateway at http://" << (v6 ? "[" + host + "]" : host) << ":"
            << port.value() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cerr << "kubepp store: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
  server.stop();
  return 0;
}

}  // namespace kubepp::cmd
