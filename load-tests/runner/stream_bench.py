#!/usr/bin/env python3
"""Streamed stripes: one client streams objects through POST /v1/stripes/encode, and (for comparison)
sends the same bytes to POST /v1/encode as fixed-size objects one after another.

The streamed object is generated while it is sent and the response is read while it arrives, on one
connection (a writer thread and the reading main thread: the service answers stripes while the body
still comes in, and stops reading it when the answer is not read). The response is checked for its
framing and its final JSON part (objectSize, stripes, k+m shard CRCs); the Java tests
(StripeStreamTest) check the bytes. Meanwhile the service's RSS (when this script started it) and
erasure_native_bytes_in_use are sampled.

Usage:
  load-tests/runner/stream_bench.py [--url http://host:port] [--size 1GiB] [--k 10] [--m 4]
                                    [--cell 1MiB] [--object 64MiB] [--rounds 1] [--json out.json]
Without --url it starts the service (bin/run, JDK 25 from bin/jdk.sh) on a free port and stops it.
--object 0 skips the /v1/encode comparison. Prints a Markdown table for docs/benchmarks.md.
"""
import argparse
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prom  # noqa: E402
from service import RunningService, Service, http, joined_service_opts  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UNITS = {"": 1, "B": 1, "K": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MIB": 1 << 20, "G": 1 << 30, "GIB": 1 << 30}


def parse_bytes(text):
    match = re.fullmatch(r"(\d+)\s*([A-Za-z]*)", text.strip())
    if not match or match.group(2).upper() not in UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 4096, 64MiB, 1GiB)")
    return int(match.group(1)) * UNITS[match.group(2).upper()]


class Pattern:
    """The object's bytes: one random MiB repeated, each MiB stamped with its index (cheap to make)."""

    def __init__(self):
        self.block = bytearray(os.urandom(1 << 20))

    def blocks(self, size):
        sent = 0
        index = 0
        while sent < size:
            self.block[0:8] = index.to_bytes(8, "little")
            n = min(len(self.block), size - sent)
            yield memoryview(self.block)[:n]
            sent += n
            index += 1


class Sampler(threading.Thread):
    def __init__(self, url, service, period=0.2):
        super().__init__(daemon=True)
        self.url, self.service, self.period = url, service, period
        self.stop_event = threading.Event()
        self.max_rss = 0
        self.max_native = 0

    def run(self):
        while not self.stop_event.wait(self.period):
            if self.service:
                self.max_rss = max(self.max_rss, self.service.rss_bytes() or 0)
            try:
                status, _, body = http("GET", self.url + "/q/metrics", timeout=5)
                if status == 200:
                    self.max_native = max(self.max_native, prom.native_bytes_in_use(body.decode()) or 0)
            except (OSError, ValueError):
                pass


class Reader:
    """A buffered socket reader: lines, exact reads and a chunked-body stream that keeps its tail."""

    def __init__(self, sock):
        self.file = sock.makefile("rb", buffering=1 << 20)

    def line(self):
        line = self.file.readline(65536)
        if not line:
            raise EOFError("connection closed")
        return line.rstrip(b"\r\n").decode("latin-1")

    def head(self):
        status = int(self.line().split(" ")[1])
        headers = {}
        for line in iter(self.line, ""):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    def chunked(self, keep=8192):
        """Reads a chunked body to its end; returns (bytes, its last `keep` bytes)."""
        total, tail, scratch = 0, b"", bytearray(1 << 20)
        while True:
            size = int(self.line().split(";")[0], 16)
            if size == 0:
                self.line()
                return total, tail
            left = size
            while left:
                n = self.file.readinto(memoryview(scratch)[:min(left, len(scratch))])
                if not n:
                    raise EOFError("connection closed inside a chunk (the stream was cut off)")
                left -= n
                tail = (tail + bytes(scratch[max(0, n - keep):n]))[-keep:]
            total += size
            self.line()

    def exactly(self, length):
        left, scratch = length, bytearray(1 << 20)
        while left:
            n = self.file.readinto(memoryview(scratch)[:min(left, len(scratch))])
            if not n:
                raise EOFError("connection closed inside the body")
            left -= n


def connect(url):
    host, port = re.match(r"https?://([^:/]+):(\d+)", url).groups()
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def stream_encode(url, size, k, m, cell, pattern):
    """One object through /v1/stripes/encode; returns seconds and the parsed final part."""
    sock = connect(url)
    started = time.monotonic()
    head = (f"POST /v1/stripes/encode?k={k}&m={m}&cell={cell} HTTP/1.1\r\nHost: bench\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n")
    failure = []

    def send():
        try:
            sock.sendall(head.encode())
            for block in pattern.blocks(size):
                sock.sendall(block)
        except OSError as error:
            failure.append(error)

    writer = threading.Thread(target=send, daemon=True)
    writer.start()
    reader = Reader(sock)
    status, headers = reader.head()
    if status != 200:
        raise RuntimeError(f"/v1/stripes/encode answered {status}")
    body_bytes, tail = reader.chunked()
    seconds = time.monotonic() - started
    writer.join()
    sock.close()
    if failure:
        raise RuntimeError(f"sending failed: {failure[0]}")
    text = tail.decode("latin-1")
    marker = "Content-Type: application/json\r\n\r\n"
    at = text.rfind(marker)
    if at < 0:
        raise RuntimeError("the stream has no final JSON part")
    summary = json.loads(text[at + len(marker):text.index("\r\n--", at + len(marker))])
    stripes = -(-size // (k * cell))
    if summary["objectSize"] != size or summary["stripes"] != stripes or len(summary["shardCrc32c"]) != k + m:
        raise RuntimeError(f"unexpected final part {summary}")
    return seconds, summary, body_bytes


def whole_objects(url, size, k, m, object_size, pattern):
    """The same bytes as object_size objects to /v1/encode, one after another, on one connection."""
    sock = connect(url)
    reader = Reader(sock)
    started = time.monotonic()
    blocks = pattern.blocks(size)
    sent = 0
    while sent < size:
        n = min(object_size, size - sent)
        sock.sendall((f"POST /v1/encode?k={k}&m={m} HTTP/1.1\r\nHost: bench\r\n"
                      f"Content-Type: application/octet-stream\r\nContent-Length: {n}\r\n\r\n").encode())
        left = n
        while left:
            block = next(blocks)
            sock.sendall(block[:left])
            left -= min(left, len(block))
        status, headers = reader.head()
        if status != 200:
            raise RuntimeError(f"/v1/encode answered {status}")
        reader.exactly(int(headers["content-length"]))
        sent += n
    seconds = time.monotonic() - started
    sock.close()
    return seconds


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="an already running service (else one is started)")
    p.add_argument("--size", type=parse_bytes, default=1 << 30, help="object bytes per streamed request (1GiB)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--m", type=int, default=4)
    p.add_argument("--cell", type=parse_bytes, default=1 << 20)
    p.add_argument("--object", type=parse_bytes, default=64 << 20, help="object size of the /v1/encode comparison (0: none)")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--json", help="write the figures here")
    p.add_argument("--service-arg", action="append", default=[], help="extra -D option for the started service")
    p.add_argument("--pid", type=int, help="with --url: the service's JVM pid, to sample its RSS")
    args = p.parse_args(joined_service_opts(argv))

    service = None
    url = args.url
    if url and args.pid:
        service = RunningService(args.pid)
    if not url:
        os.makedirs(os.path.join(REPO, "load-tests", "results"), exist_ok=True)
        service = Service(REPO, os.path.join(REPO, "load-tests", "results", "stream-bench-service.log"),
                          args.service_arg).start()
        url = service.url
    try:
        pattern = Pattern()
        # Warm-up (JIT, block cache): a small stream and a small object, then the idle RSS.
        stream_encode(url, 64 << 20, args.k, args.m, args.cell, pattern)
        if args.object:
            whole_objects(url, args.object, args.k, args.m, args.object, pattern)
        time.sleep(2)
        idle_rss = service.rss_bytes() if service else None
        rows = []
        for round_ in range(1, args.rounds + 1):
            sampler = Sampler(url, service)
            sampler.start()
            seconds, summary, body_bytes = stream_encode(url, args.size, args.k, args.m, args.cell, pattern)
            sampler.stop_event.set()
            sampler.join()
            rows.append({"round": round_, "endpoint": "/v1/stripes/encode", "seconds": seconds,
                         "object_mib_s": args.size / seconds / (1 << 20), "response_bytes": body_bytes,
                         "max_rss": sampler.max_rss, "max_native": sampler.max_native})
            if args.object:
                sampler = Sampler(url, service)
                sampler.start()
                seconds = whole_objects(url, args.size, args.k, args.m, args.object, pattern)
                sampler.stop_event.set()
                sampler.join()
                rows.append({"round": round_, "endpoint": f"/v1/encode x {args.size // args.object}",
                             "seconds": seconds, "object_mib_s": args.size / seconds / (1 << 20),
                             "max_rss": sampler.max_rss, "max_native": sampler.max_native})
    finally:
        if service and not args.url:
            service.stop()
    mib = 1 << 20
    print(f"object {args.size / mib:.0f} MiB, {args.k}+{args.m}, cell {args.cell / mib:g} MiB, "
          f"idle RSS {idle_rss / mib:.0f} MiB" if idle_rss else f"object {args.size / mib:.0f} MiB")
    print("| round | endpoint | seconds | object MiB/s | max RSS - idle (MiB) | max native in use (MiB) |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        over = f"{(row['max_rss'] - idle_rss) / mib:.0f}" if idle_rss and row["max_rss"] else "-"
        print(f"| {row['round']} | `{row['endpoint']}` | {row['seconds']:.1f} | {row['object_mib_s']:.0f} | {over} | "
              f"{row['max_native'] / mib:.0f} |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"args": vars(args), "idle_rss": idle_rss, "rows": rows}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
