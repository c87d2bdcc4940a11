"""Local HTTP load runner (the k6 scenarios, replayed by wrk; not part of CI).

Starts the service with bin/run on a free port (or uses --url), prepares and checks every
scenario's requests, runs each scenario and its /v1/echo transport baseline at every concurrency
level, samples erasure_native_bytes_in_use and the JVM's RSS throughout, stops the service, and
writes the "HTTP load" section of docs/benchmarks.md and the PNG plots in docs/plots/.

Usage: load-tests/run-local.sh [--levels 1,4,16,32] [--duration 10] [--k 10] [--m 4] ...
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import shlex

import peer as go
import prom
import report
import scenarios as sc
import wrkparse
from service import Service, http, joined_service_opts

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LUA = os.path.join(REPO, "load-tests", "wrk", "requests.lua")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--levels", default="1,4,16,32", help="concurrency levels (wrk connections)")
    p.add_argument("--duration", type=int, default=10, help="seconds per measured point")
    p.add_argument("--k", type=int, default=10, help="data shards")
    p.add_argument("--m", type=int, default=4, help="parity shards")
    p.add_argument("--codec", default="rs-vandermonde")
    p.add_argument("--small", type=int, default=4096, help="small object size in bytes")
    p.add_argument("--large", type=int, default=1048576, help="large object size in bytes")
    p.add_argument("--sweep", default="1024,4096,16384,65536,262144",
                   help="object sizes of the small-object sweep (echo vs encode); empty to skip")
    p.add_argument("--sweep-level", type=int, default=4, help="concurrency of the small-object sweep")
    p.add_argument("--no-handoff", action="store_true",
                   help="skip the sweep's second service with erasure.jobs.inline-max-bytes=0 (every job on a worker)")
    p.add_argument("--warmup", type=int, default=10, help="seconds of unrecorded mixed load before measuring (JIT)")
    p.add_argument("--url", help="measure an already running service instead of starting one")
    p.add_argument("--service-pid", type=int,
                   help="with --url: the service's pid, for its CPU time per request (read from /proc)")
    p.add_argument("--jar", help="start this packaged quarkus-run.jar instead of bin/run (e.g. to compare builds)")
    p.add_argument("--service-opt", action="append", default=[], metavar="-Dname=value",
                   help="a JVM option for the started service (repeatable), e.g. -Dquarkus.vertx.prefer-native-transport=true")
    p.add_argument("--go-peer", choices=("auto", "off"), default="auto",
                   help="auto: build and measure the Go peer (load-tests/go-peer) next to the service when Go is installed")
    p.add_argument("--peer-sizes", default="1048576,65536,4096", help="object sizes of the Go peer comparison")
    p.add_argument("--peer-level", type=int, default=16, help="concurrency of the Go peer comparison")
    p.add_argument("--peer-rounds", type=int, default=3, help="alternating rounds of the Go peer comparison")
    p.add_argument("--peer-duration", type=int, default=8, help="seconds per point of the Go peer comparison")
    p.add_argument("--peer-only", action="store_true",
                   help="measure only the Go peer comparison (no scenarios, no sweep); writes only its section")
    p.add_argument("--note", default="", help="a line for the report, e.g. which branches the service was built from")
    p.add_argument("--report-only", metavar="RUN_JSON", help="rewrite the report and plots from a saved run.json")
    p.add_argument("--results", default=os.path.join(REPO, "load-tests", "results"), help="raw outputs")
    p.add_argument("--doc", default=os.path.join(REPO, "docs", "benchmarks.md"))
    p.add_argument("--plots", default=os.path.join(REPO, "docs", "plots"))
    args = p.parse_args(joined_service_opts(argv))
    args.levels = [int(x) for x in args.levels.split(",")]
    args.sweep = [int(x) for x in args.sweep.split(",") if x]
    args.peer_sizes = [int(x) for x in args.peer_sizes.split(",") if x]
    if args.peer_only and args.go_peer == "off":
        p.error("--peer-only needs the Go peer (not --go-peer off)")
    return args


class Sampler(threading.Thread):
    """Samples native bytes in use (/q/metrics) and RSS every `period` s, labelled by scenario."""

    def __init__(self, url, service, period=0.25):
        super().__init__(daemon=True)
        self.url, self.service, self.period = url, service, period
        self.label, self.samples, self.stopped = "start", [], threading.Event()
        self.paused = False  # set while the Go peer comparison runs: scrapes would add to the service's CPU
        self.start_time = time.monotonic()

    def sample(self):
        try:
            status, _, body = http("GET", self.url + "/q/metrics", timeout=5)
            native = prom.native_bytes_in_use(body.decode("utf-8")) if status == 200 else None
        except (OSError, ValueError):
            native = None
        rss = self.service.rss_bytes() if self.service else None
        self.samples.append({"t": round(time.monotonic() - self.start_time, 3), "label": self.label,
                             "native_bytes": native, "rss_bytes": rss})

    def run(self):
        while not self.stopped.wait(self.period):
            if not self.paused:
                self.sample()


def run_wrk(url, manifest, connections, duration, raw_path, pid=None):
    """One wrk run; with the server's pid, also its CPU time per request (/proc/<pid>/stat)."""
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "--latency", "-s", LUA, url]
    cpu_before = go.cpu_seconds(pid) if pid else None
    done = subprocess.run(command, env={**os.environ, "WRK_MANIFEST": manifest},
                          capture_output=True, text=True, timeout=duration + 120)
    cpu_after = go.cpu_seconds(pid) if pid else None
    with open(raw_path, "w") as raw:
        raw.write(" ".join(command) + "\n" + done.stdout + done.stderr)
    result = wrkparse.parse(done.stdout + done.stderr)
    result["cpu_ms_per_request"] = go.cpu_ms_per_request(cpu_before, cpu_after, result["requests"])
    return result


def prepare(url, args, workdir):
    """Builds and checks every scenario; a failing one is kept with its error and not measured."""
    prep = sc.Preparer(url, workdir, args.k, args.m, args.codec)
    out = {}

    def attempt(name, build):
        try:
            out[name] = build()
        except (AssertionError, ValueError, OSError, KeyError) as error:
            out[name] = sc.Scenario(name, "", 0, error=str(error)[:400])
        print(f"prepared {name}: {out[name].error or f'{out[name].checked} requests checked'}", flush=True)

    attempt("echo_small", lambda: prep.echo("echo_small", args.small))
    attempt("encode_small", lambda: prep.encode("encode_small", args.small, "echo_small"))
    attempt("echo_large", lambda: prep.echo("echo_large", args.large))
    attempt("encode_large", lambda: prep.encode("encode_large", args.large, "echo_large"))
    try:
        stripe = prep.stripe(args.large)
    except (AssertionError, ValueError, OSError, KeyError) as error:
        stripe, stripe_error = None, str(error)[:400]
    for name, build in (("decode", prep.decode), ("reconstruct", prep.reconstruct)):
        attempt(name, lambda b=build, n=name: b(n, args.large, "echo_large", stripe) if stripe else
                sc.Scenario(n, "", 0, error=stripe_error))
    parts = [(50, out["encode_small"]), (15, out["encode_large"]), (25, out["decode"]), (10, out["reconstruct"])]
    if all(not part.error for _, part in parts):
        out["mixed"] = sc.mixed("mixed", parts, "echo_mixed")
        attempt("echo_mixed", lambda: prep.echo_of("echo_mixed", out["mixed"]))
    else:
        out["mixed"] = sc.Scenario("mixed", "", 0, error="a flow of the mix could not be prepared")
    return out


def warm_up(url, prepared, args, sampler, raw_dir, workdir):
    """Unrecorded load so the JIT has compiled the hot paths before the first measured point."""
    usable = [s for s in prepared.values() if not s.error]
    if not usable or args.warmup <= 0:
        return
    sampler.label = "warm-up"
    everything = sc.Scenario("warm-up", "", 0, lines=[line for s in usable for line in s.lines])
    manifest = everything.write_manifest(os.path.join(workdir, "warm-up.manifest"))
    run_wrk(url, manifest, 4, args.warmup, os.path.join(raw_dir, "warm-up.txt"))
    sampler.label = "idle"
    time.sleep(1)


def measure(url, prepared, args, sampler, raw_dir, workdir, pid=None):
    points = []
    order = ["echo_small", "encode_small", "echo_large", "encode_large", "decode", "reconstruct",
             "echo_mixed", "mixed"]
    for level in args.levels:
        for name in order:
            scenario = prepared.get(name)
            if scenario is None or scenario.error:
                continue
            sampler.label = f"{name} c={level}"
            manifest = scenario.write_manifest(os.path.join(workdir, f"{name}.manifest"))
            result = run_wrk(url, manifest, level, args.duration, os.path.join(raw_dir, f"{name}-c{level}.txt"), pid)
            points.append({"scenario": name, "baseline": scenario.baseline, "connections": level,
                           "object_bytes": scenario.object_bytes, **result})
            print(f"{name:13s} c={level:<3d} {result['requests_per_s']:9.1f} req/s  p50 {result['latency_ms']['p50']:8.2f}"
                  f" ms  p99 {result['latency_ms']['p99']:8.2f} ms  errors {result['errors']}", flush=True)
            sampler.label = "idle"
            time.sleep(1)
    return points


def sweep(url, args, sampler, raw_dir, workdir, handoff_url=None):
    """Echo vs encode of small objects at one concurrency: the data for the small-object decision.

    kind "encode" runs against the service as configured (small jobs inline by default);
    "encode_handoff", when `handoff_url` is given, is the same request against a second service
    that hands every job to a worker, measured right after it in the same minutes.
    """
    points = []
    kinds = [("echo", url), ("encode", url)] + ([("encode_handoff", handoff_url)] if handoff_url else [])
    for size in args.sweep:
        for kind, target in kinds:
            name = f"{kind}_{size}"
            prep = sc.Preparer(target, workdir, args.k, args.m, args.codec, seed=7 + size)
            try:
                scenario = prep.echo(name, size) if kind == "echo" else prep.encode(name, size, f"echo_{size}")
            except (AssertionError, ValueError, OSError) as error:
                print(f"sweep {name}: not measured: {error}", flush=True)
                continue
            sampler.label = f"sweep {name}"
            manifest = scenario.write_manifest(os.path.join(workdir, f"{name}.manifest"))
            result = run_wrk(target, manifest, args.sweep_level, args.duration,
                             os.path.join(raw_dir, f"sweep-{name}.txt"))
            points.append({"kind": kind, "size": size, "connections": args.sweep_level, **result})
            print(f"sweep {name:14s} {result['requests_per_s']:9.1f} req/s  p50 {result['latency_ms']['p50']:8.2f} ms",
                  flush=True)
            sampler.label = "idle"
    return points


def start_peer(args, raw_dir):
    """The Go peer, built and started; (None, reason) when it is off or cannot be built here."""
    if args.go_peer == "off":
        return None, "not measured (--go-peer off)"
    try:
        binary = go.build(REPO, os.path.join(REPO, "target", "go-peer"))
        started = go.GoPeer(binary, os.path.join(raw_dir, "go-peer.log")).start()
    except go.PeerUnavailable as reason:
        print(f"Go peer: {reason}", flush=True)
        return None, str(reason)
    print(f"Go peer started on {started.url}", flush=True)
    return started, ""


def compare_with_peer(url, pid, peer, args, sampler, raw_dir, workdir):
    """The service and the Go peer on the same requests, alternating point by point.

    For each object size, one object is encoded by both and the answers compared (same shards,
    CRCs and headers); a size whose answers differ is not measured. Then, after an unrecorded
    warm-up of each server, each round runs encode and echo of every size against the service and
    right after against the peer, recording req/s, latency and each server's CPU per request.
    Returns (points, checks).
    """
    checks, requests = [], []
    prep = sc.Preparer(url, workdir, args.k, args.m, args.codec, seed=99)
    for size in args.peer_sizes:
        obj = prep.rng.randbytes(size)
        try:
            found = go.differences(go.encode_answer(url, prep.query, obj), go.encode_answer(peer.url, prep.query, obj))
            status, _, answer = http("POST", peer.url + "/v1/echo", obj, {"Content-Type": "application/octet-stream"})
            if status != 200 or answer != obj:
                found.append(f"the peer's echo answered {status} with {len(answer)} bytes")
        except (AssertionError, ValueError, OSError) as error:
            found = [str(error)[:300]]
        checks.append({"size": size, "same": not found, "differences": found})
        print(f"peer check {size} B: {'same shards and headers' if not found else found}", flush=True)
        if found:
            continue
        body = os.path.join(workdir, f"peer-{size}.bin")
        with open(body, "wb") as out:
            out.write(obj)
        for endpoint, target in (("encode", f"/v1/encode?{prep.query}"), ("echo", "/v1/echo")):
            scenario = sc.Scenario(f"peer-{endpoint}-{size}", "", size,
                                   lines=[(1, "POST", target, "application/octet-stream", body)])
            requests.append((endpoint, size, scenario.write_manifest(os.path.join(workdir, scenario.name + ".manifest"))))
    if not requests:
        return [], checks
    sampler.paused = True
    # Each request on its own, so the JIT has compiled the service for exactly the traffic each
    # point then sends (a mixed warm-up left the first measured points recompiling).
    each = max(3, args.warmup // len(requests))
    for endpoint, size, manifest in requests:
        for server, target in (("service", url), ("go", peer.url)):
            sampler.label = f"peer warm-up {server}"
            run_wrk(target, manifest, args.peer_level, each,
                    os.path.join(raw_dir, f"peer-warm-{server}-{endpoint}-{size}.txt"))
    points = []
    for round_ in range(1, args.peer_rounds + 1):
        for endpoint, size, manifest in requests:
            for server, target, server_pid in (("service", url, pid), ("go", peer.url, peer.pid)):
                sampler.label = f"peer {server} {endpoint} {size} round {round_}"
                result = run_wrk(target, manifest, args.peer_level, args.peer_duration,
                                 os.path.join(raw_dir, f"peer-r{round_}-{server}-{endpoint}-{size}.txt"), server_pid)
                points.append({"server": server, "endpoint": endpoint, "size": size, "round": round_,
                               "connections": args.peer_level, **result})
                cpu = result["cpu_ms_per_request"]
                print(f"round {round_} {server:7s} {endpoint:6s} {size:8d} B {result['requests_per_s']:9.1f} req/s"
                      f"  p50 {result['latency_ms']['p50']:7.3f} ms  p99 {result['latency_ms']['p99']:7.3f} ms"
                      f"  cpu {'—' if cpu is None else f'{cpu:.4f}'} ms/req  errors {sum(result['errors'].values())}",
                      flush=True)
    sampler.label, sampler.paused = "idle", False
    return points, checks


def start_handoff_service(args, raw_dir, workdir):
    """A second service with every job handed to a worker (no inline jobs), warmed up like the first."""
    handoff = Service(REPO, os.path.join(raw_dir, "service-handoff.log"),
                      [*args.service_opt, "-Derasure.jobs.inline-max-bytes=0"], args.jar)
    print(f"starting a second service with erasure.jobs.inline-max-bytes=0 on {handoff.url}", flush=True)
    handoff.start()
    try:
        prep = sc.Preparer(handoff.url, workdir, args.k, args.m, args.codec, seed=11)
        warm = sc.Scenario("warm_handoff", "", 0)
        for size in args.sweep:
            warm.lines += prep.encode(f"warm_handoff_{size}", size, "").lines
        run_wrk(handoff.url, warm.write_manifest(os.path.join(workdir, "warm-handoff.manifest")), args.sweep_level,
                args.warmup, os.path.join(raw_dir, "warm-up-handoff.txt"))
    except BaseException:
        handoff.stop()  # the caller only stops what this function returned
        raise
    return handoff


def main(argv):
    args = parse_args(argv)
    if args.report_only:
        with open(args.report_only) as saved:
            saved_run = json.load(saved)
        if saved_run.get("peer_only"):
            report.write_peer(saved_run, args.doc)
        else:
            report.write(saved_run, args.doc, args.plots)
        print(f"rewrote {args.doc} and the plots in {args.plots} from {args.report_only}", flush=True)
        return 0
    machine = report.machine(REPO)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    raw_dir = os.path.join(args.results, stamp)
    os.makedirs(raw_dir, exist_ok=True)
    service = None if args.url else Service(REPO, os.path.join(raw_dir, "service.log"), args.service_opt, args.jar)
    if service:
        print(f"starting the service on {service.url} (log: {service.log_path})", flush=True)
        service.start()
    url = args.url or service.url
    pid = service.pid if service else args.service_pid
    sampler = Sampler(url, service)
    handoff = peer = None
    prepared, points, sweep_points, peer_points, peer_checks = {}, [], [], [], []
    try:
        peer, peer_missing = start_peer(args, raw_dir)
        sampler.sample()
        sampler.start()
        with tempfile.TemporaryDirectory(prefix="erasure-load-") as workdir:
            if not args.peer_only:
                prepared = prepare(url, args, workdir)
                warm_up(url, prepared, args, sampler, raw_dir, workdir)
                points = measure(url, prepared, args, sampler, raw_dir, workdir, pid)
            if peer:
                peer_points, peer_checks = compare_with_peer(url, pid, peer, args, sampler, raw_dir, workdir)
            if args.sweep and not args.peer_only:
                if service and not args.no_handoff:
                    handoff = start_handoff_service(args, raw_dir, workdir)
                sweep_points = sweep(url, args, sampler, raw_dir, workdir, handoff.url if handoff else None)
        sampler.label = "idle after the run"
        time.sleep(3)
    finally:
        sampler.stopped.set()
        if peer:
            peer.stop()
        if handoff:
            handoff.stop()
        if service:
            service.stop()
    shutdown_log = service.shutdown_lines() if service else []
    run = {"stamp": stamp, "shutdown_log": shutdown_log, "args": {k: v for k, v in vars(args).items()}, "url": url,
           "command": shlex.join(["load-tests/run-local.sh", *argv]),
           "machine": dict(machine, loadavg_after=report.loadavg()),
           "prepared": {n: {"checked": s.checked, "error": s.error, "object_bytes": s.object_bytes}
                        for n, s in prepared.items()},
           "points": points, "sweep": sweep_points, "memory": sampler.samples, "peer_only": args.peer_only,
           "peer": {"missing": peer_missing, "checks": peer_checks, "points": peer_points}}
    with open(os.path.join(raw_dir, "run.json"), "w") as out:
        json.dump(run, out, indent=1)
    if args.peer_only:
        report.write_peer(run, args.doc)
        print(f"wrote the Go peer section of {args.doc}, raw results in {raw_dir}", flush=True)
    else:
        report.write(run, args.doc, args.plots)
        print(f"wrote {args.doc}, plots in {args.plots}, raw results in {raw_dir}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
