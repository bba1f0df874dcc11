#!/usr/bin/python3
"""demo.py — kubepp's stand-in for the ikubernetes/demoapp web app.

A small HTTP server (Python's http.server, one thread per request) that tells which pod
answered, for trying Services, probes and rollouts:

  GET  /            iKubernetes demoapp v1.0 !! ClientIP: 10.244.1.1, ServerName: demoapp-7c58cd6bb-x2zvq, ServerIP: 10.244.1.5!
  GET  /hostname    ServerName: demoapp-7c58cd6bb-x2zvq
  GET  /user-agent  User-Agent: curl/7.88.1
  GET  /livez       OK (200) — or, after POST livez=FAIL, FAIL (506)
  GET  /readyz      OK (200) — or, after POST readyz=FAIL, FAIL (506)
  POST /livez       form field livez=VALUE: /livez answers VALUE from now on, 200 if it is OK
  POST /readyz      form field readyz=VALUE: the same for /readyz

ServerIP is the address the request arrived on (the socket's local address), ClientIP the
peer's. The version comes from $DEMOAPP_VERSION (set per tag in the image's config).

  demo.py [-h HOST | --host HOST] [-p PORT | --port PORT]     (defaults: $HOST or 0.0.0.0, $PORT or 80)

SIGTERM and SIGINT stop it at once, with exit status 0.
"""
import argparse
import http.server
import os
import signal
import socket
import sys
import threading
import urllib.parse

HEALTHY = "OK"


class State:
    """The answers of /livez and /readyz; guarded by lock (requests run in threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.probes = {"livez": HEALTHY, "readyz": HEALTHY}


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "demoapp"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def reply(self, status, text):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        state = self.server.state
        if path == "/":
            server_ip = self.connection.getsockname()[0]
            self.reply(200, f"iKubernetes demoapp {self.server.version} !! ClientIP: {self.client_address[0]}, "
                            f"ServerName: {socket.gethostname()}, ServerIP: {server_ip}!")
        elif path == "/hostname":
            self.reply(200, f"ServerName: {socket.gethostname()}")
        elif path == "/user-agent":
            self.reply(200, f"User-Agent: {self.headers.get('User-Agent', '')}")
        elif path in ("/livez", "/readyz"):
            with state.lock:
                value = state.probes[path[1:]]
            self.reply(200 if value == HEALTHY else 506, value)
        else:
            self.reply(404, f"404 Not Found: {path}")

    do_HEAD = do_GET

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        probe = path[1:]
        if path not in ("/livez", "/readyz"):
            self.reply(405, f"405 Method Not Allowed: POST {path}")
        elif not form.get(probe) or not form[probe][0].strip():
            self.reply(400, f"400 Bad Request: want the form field {probe}=OK or {probe}=FAIL")
        else:
            value = form[probe][0].strip()
            with self.server.state.lock:
                self.server.state.probes[probe] = value
            self.reply(200, value)

    def log_message(self, fmt, *args):
        sys.stderr.write(f"{self.client_address[0]} - - [{self.log_date_time_string()}] {fmt % args}\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a slow client never delays exit

    def __init__(self, address, version):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__(address, Handler)
        self.state = State()
        self.version = version


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="demo.py", add_help=False,
                                 description="kubepp's stand-in for ikubernetes/demoapp")
    ap.add_argument("--help", action="help", help="show this help and exit")
    ap.add_argument("-h", "--host", default=os.environ.get("HOST") or "0.0.0.0",
                    help="address to listen on (default: $HOST or 0.0.0.0)")
    ap.add_argument("-p", "--port", type=int, default=int(os.environ.get("PORT") or 80),
                    help="port to listen on (default: $PORT or 80)")
    return ap.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    server = Server((args.host, args.port), os.environ.get("DEMOAPP_VERSION", "v1.0"))

    def stop(signum, frame):
        sys.stderr.write(f"demoapp: signal {signum}, exiting\n")
        server.server_close()
        os._exit(0)  # request threads are daemons: nothing to wait for

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write(f"demoapp {server.version} listening on {args.host}:{args.port}\n")
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
