"""The floor of the HTTP stack: the service's /v1/echo against the same echo on bare Vert.x core
and bare Netty (load-tests/floor/Floor.java, same JVM, same jars, same JVM flags) and the Go peer
(load-tests/go-peer), measured the way the runner's Go-peer comparison measures (wrk -t2 -c16,
server CPU per request from /proc/<pid>/stat), with user and system time apart and, for the JVMs,
the CPU of each group of threads (event loops, GC, JIT, ...).

Usage (from the repository, after ./mvnw package; see load-tests/README.md, "The floor"):
  load-tests/floor/run.sh [--jar target/quarkus-app/quarkus-run.jar] [--servers service,vertx,netty,go]
                          [--sizes 1048576,4096] [--rounds 3] [--duration 6] [--warmup 20]
                          [--connections 16] [--service-opt=-D...] [--json out.json]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "load-tests", "runner"))

import peer as go  # noqa: E402
import wrkparse  # noqa: E402
from service import Service, free_port, http, joined_service_opts  # noqa: E402

LUA = os.path.join(REPO, "load-tests", "wrk", "requests.lua")
# The service's launch (load-tests/runner/service.py) plus what its jar's manifest and build give it:
# Add-Exports of jdk.internal.misc (Netty's uninitialized arrays) and Netty's 4 MiB pool chunks.
JVM_FLAGS = ["--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
             "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dio.netty.allocator.maxOrder=9"]
TICK = os.sysconf("SC_CLK_TCK")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default=os.path.join(REPO, "target", "quarkus-app", "quarkus-run.jar"))
    p.add_argument("--servers", default="service,vertx,netty,go")
    p.add_argument("--sizes", default="1048576,4096")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=6)
    p.add_argument("--warmup", type=int, default=20, help="seconds of unrecorded load per server and size")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--service-opt", action="append", default=[], help="JVM option of the service (repeatable)")
    p.add_argument("--external", action="append", default=[], metavar="NAME=URL@PID",
                   help="also measure a server started by hand (any echo at URL/v1/echo; PID for its CPU time)")
    p.add_argument("--reference", default="go", help="the server the ratios are taken against")
    p.add_argument("--json", help="write every point here")
    args = p.parse_args(joined_service_opts(argv))
    args.servers = [s for s in args.servers.split(",") if s]
    args.externals = {}
    for spec in args.external:
        name, rest = spec.split("=", 1)
        url, pid = rest.rsplit("@", 1)
        args.externals[name] = (url.rstrip("/"), int(pid))
    args.servers += list(args.externals)
    args.sizes = [int(s) for s in args.sizes.split(",")]
    return args


class Process:
    """A started server: its pid, URL and how to stop it."""

    def __init__(self, name, url, popen=None, stop=None):
        self.name, self.url, self.popen, self._stop = name, url, popen, stop

    @property
    def pid(self):
        return self.popen.pid

    def stop(self):
        if self._stop:
            self._stop()
        elif self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()


class External(Process):
    """A server this script did not start: measured, never stopped."""

    def __init__(self, name, url, pid):
        super().__init__(name, url)
        self._pid = pid

    @property
    def pid(self):
        return self._pid

    def stop(self):
        pass


def wait_ready(url, popen, what, timeout_s=120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{what} exited with {popen.returncode}")
        try:
            if http("GET", url + "/q/health/ready", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer within {timeout_s} s")


def start(name, args, workdir):
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    if name == "service":
        service = Service(REPO, os.path.join(workdir, "service.log"), args.service_opt, jar=args.jar).start()
        return Process(name, service.url, service.process, service.stop)
    if name in ("vertx", "netty"):
        port = free_port()
        lib = os.path.join(os.path.dirname(os.path.abspath(args.jar)), "lib", "main", "*")
        popen = subprocess.Popen([java, *JVM_FLAGS, "-cp", lib, os.path.join(HERE, "Floor.java"), name, str(port)],
                                 stdout=open(os.path.join(workdir, name + ".log"), "wb"), stderr=subprocess.STDOUT,
                                 start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, popen, f"Floor.java {name}")
        return Process(name, url, popen)
    if name == "go":
        peer = go.GoPeer(go.build(REPO, os.path.join(REPO, "target", "go-peer")), os.path.join(workdir, "go.log")).start()
        return Process(name, peer.url, peer.process, peer.stop)
    if name in args.externals:
        url, pid = args.externals[name]
        return External(name, url, pid)
    raise SystemExit(f"unknown server {name}: service, vertx, netty or go")


def stat(path):
    """(utime, stime) ticks and the command name of one /proc stat file."""
    with open(path) as f:
        text = f.read()
    utime, stime = go.parse_stat(text)
    return utime, stime, text[text.index("(") + 1:text.rindex(")")]


def group(thread_name):
    """Threads grouped by name without their numbers: 'vert.x-eventloop-thread-3' -> 'vert.x-eventloop-thread-#'."""
    return re.sub(r"\d+", "#", thread_name)


def threads(pid):
    """{thread group: (utime, stime)} over the live threads of pid (threads that ended are not counted)."""
    out = collections.defaultdict(lambda: [0, 0])
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            u, s, name = stat(f"/proc/{pid}/task/{tid}/stat")
        except (OSError, ValueError):
            continue
        out[group(name)][0] += u
        out[group(name)][1] += s
    return out


def point(server, manifest, args, duration, record):
    before, tbefore = stat(f"/proc/{server.pid}/stat")[:2], threads(server.pid)
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", LUA,
               server.url]
    done = subprocess.run(command, env={**os.environ, "WRK_MANIFEST": manifest}, capture_output=True, text=True,
                          timeout=duration + 120)
    after, tafter = stat(f"/proc/{server.pid}/stat")[:2], threads(server.pid)
    if not record:
        return None
    result = wrkparse.parse(done.stdout + done.stderr)
    n = max(result["requests"], 1)
    per = lambda ticks: ticks * 1e3 / TICK / n  # noqa: E731
    groups = {}
    for name, (u, s) in tafter.items():
        u0, s0 = tbefore.get(name, (0, 0))
        if u - u0 + s - s0 > 0:
            groups[name] = {"user_ms": per(u - u0), "sys_ms": per(s - s0)}
    return {"requests_per_s": result["requests_per_s"], "p50_ms": result["latency_ms"]["p50"],
            "p99_ms": result["latency_ms"]["p99"], "errors": sum(result["errors"].values()),
            "user_ms": per(after[0] - before[0]), "sys_ms": per(after[1] - before[1]),
            "cpu_ms": per(after[0] - before[0] + after[1] - before[1]), "threads": groups}


def span(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else fmt.format(lo) + "-" + fmt.format(hi)


def main(argv):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="floor-")
    servers = []
    try:
        for name in args.servers:
            servers.append(start(name, args, workdir))
            print(f"{name} ready at {servers[-1].url} (pid {servers[-1].pid})", flush=True)
        manifests = {}
        for size in args.sizes:
            body = os.path.join(workdir, f"obj-{size}.bin")
            with open(body, "wb") as f:
                f.write(os.urandom(size))
            manifests[size] = os.path.join(workdir, f"echo-{size}.manifest")
            with open(manifests[size], "w") as f:
                f.write(f"1 POST /v1/echo application/octet-stream {body}\n")
            for server in servers:
                status, _, answer = http("POST", server.url + "/v1/echo", open(body, "rb").read(),
                                         {"Content-Type": "application/octet-stream"})
                if status != 200 or answer != open(body, "rb").read():
                    raise SystemExit(f"{server.name}'s echo of {size} B answered {status} with {len(answer)} bytes")
        for size in args.sizes:
            for server in servers:
                point(server, manifests[size], args, args.warmup, record=False)
        points = []
        for round_ in range(1, args.rounds + 1):
            for size in args.sizes:
                for server in servers:
                    p = point(server, manifests[size], args, args.duration, record=True)
                    p.update(server=server.name, size=size, round=round_)
                    points.append(p)
                    top = sorted(p["threads"].items(), key=lambda kv: -(kv[1]["user_ms"] + kv[1]["sys_ms"]))[:3]
                    print(f"round {round_} {server.name:7s} {size:8d} B {p['requests_per_s']:9.1f} req/s "
                          f"p99 {p['p99_ms']:7.3f} ms  cpu {p['cpu_ms']:.4f} ms/req (user {p['user_ms']:.4f}, "
                          f"sys {p['sys_ms']:.4f})  errors {p['errors']}  "
                          + ", ".join(f"{n} {t['user_ms']:.4f}+{t['sys_ms']:.4f}" for n, t in top), flush=True)
        report(points, args)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(points, f, indent=1)
    finally:
        for server in servers:
            server.stop()


def report(points, args):
    print(f"\necho, wrk -t2 -c{args.connections}, {args.duration} s per point, {args.rounds} rounds; "
          f"CPU ms per request (user + system) and ratios to {args.reference}'s per round\n")
    print(f"| server | size | req/s | p99 ms | CPU ms/req | user ms/req | sys ms/req | CPU ÷ {args.reference}'s | req/s ÷ {args.reference}'s | p99 ÷ {args.reference}'s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    by = {(p["server"], p["size"], p["round"]): p for p in points}
    for size in args.sizes:
        for name in args.servers:
            mine = [p for p in points if p["server"] == name and p["size"] == size]
            ratios = collections.defaultdict(list)
            for p in mine:
                g = by.get((args.reference, size, p["round"]))
                if g and name != args.reference:
                    ratios["cpu"].append(p["cpu_ms"] / g["cpu_ms"] if g["cpu_ms"] else None)
                    ratios["rps"].append(p["requests_per_s"] / g["requests_per_s"] if g["requests_per_s"] else None)
                    ratios["p99"].append(p["p99_ms"] / g["p99_ms"] if g["p99_ms"] else None)
            print(f"| {name} | {size} | {span([p['requests_per_s'] for p in mine], '{:.0f}')} "
                  f"| {span([p['p99_ms'] for p in mine], '{:.2f}')} | {span([p['cpu_ms'] for p in mine], '{:.4f}')} "
                  f"| {span([p['user_ms'] for p in mine], '{:.4f}')} | {span([p['sys_ms'] for p in mine], '{:.4f}')} "
                  f"| {span(ratios['cpu'], '{:.2f}')} | {span(ratios['rps'], '{:.2f}')} | {span(ratios['p99'], '{:.2f}')} |")


if __name__ == "__main__":
    main(sys.argv[1:])
