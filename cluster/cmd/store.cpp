// `kubepp store [--listen-client-urls URL] [--data-dir DIR]` — the store as a server, with
// etcd's flag names, speaking etcd 3.4's v3 JSON gateway (cluster/store/server/), until
// SIGTERM or SIGINT. Prints the address it serves on (useful with port 0).
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <iostream>

#include "cluster/cmd/commands.h"
#include "cluster/store/durable_store.h"
#include "cluster/store/server/server.h"
#include "cluster/store/watchable_store.h"
#include "runtime/cli/flags.h"

namespace kubepp::cmd {

namespace {

struct ClientUrl {
  std::string host;
  int port = 0;
};

// "http://HOST:PORT" as etcd's --listen-client-urls takes it; one URL for now.
Result<ClientUrl> parse_client_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return Error{ErrorCode::Invalid, "--listen-client-urls `" + url + "`: " + why};
  };
  if (url.find(',') != std::string::npos) return bad("kubepp store listens on one URL for now");
  if (url.starts_with("https://")) return bad("TLS is not supported yet: use http://");
  if (!url.starts_with("http://")) return bad("want http://HOST:PORT");
  std::string rest = url.substr(7);
  if (rest.ends_with("/")) rest.pop_back();
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("want http://HOST:PORT");
  ClientUrl out;
  out.host = rest.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  const std::string port = rest.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc() || end != port.data() + port.size() || out.port < 0 || out.port > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  return out;
}

}  // namespace

int store_main(const cli::GlobalOptions&, const std::vector<std::string>& args) {
  std::string listen = "http://127.0.0.1:2379";
  std::string data_dir;
  cli::FlagSet flags("kubepp store [--listen-client-urls http://HOST:PORT] [--data-dir DIR]");
  flags.add_string("listen-client-urls", &listen,
                   "serve etcd's v3 JSON gateway at this URL (default http://127.0.0.1:2379; port 0: a free port)");
  flags.add_string("data-dir", &data_dir,
                   "keep the store durable in DIR (write-ahead log; a lock keeps a second store out); "
                   "without it the store lives in memory");
  Result<std::vector<std::string>> rest = flags.parse(args);
  if (flags.help_requested()) {
    std::cout << flags.help();
    return 0;
  }
  if (!rest || !rest.value().empty()) {
    std::cerr << "kubepp store: " << (rest ? "unexpected argument `" + rest.value()[0] + "`" : rest.error().message) << "\n";
    return 2;
  }
  Result<ClientUrl> url = parse_client_url(listen);
  if (!url) {
    std::cerr << "kubepp store: " << url.error().message << "\n";
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
    Result<std::unique_ptr<store::DurableStore>> durable = store::DurableStore::open(options);
    if (!durable) {
      std::cerr << "kubepp store: " << durable.error().message << "\n";
      return 1;
    }
    kv = std::move(durable.value());
  }
  store::GatewayServer server(*kv);
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
