"""The optional Go peer of the local runner (load-tests/go-peer) and server CPU time from /proc.

The peer is a small Go net/http + klauspost/reedsolomon server answering the same /v1/encode and
/v1/echo as the service. It is built offline in GOPATH mode against Debian's Go packages (like the
Go interop test's peer); when Go or klauspost is missing the runner says why and leaves the
column out.
"""
import os
import shutil
import signal
import subprocess
import time

import shardsets
from service import free_port, http

KLAUSPOST = "/usr/share/gocode/src/github.com/klauspost/reedsolomon/reedsolomon.go"
SOURCE = os.path.join("load-tests", "go-peer", "src", "erasurepeer", "main.go")


class PeerUnavailable(Exception):
    """The peer cannot be built here; the message says what is missing."""


def parse_stat(text):
    """(utime, stime) in clock ticks from the text of /proc/<pid>/stat.

    The command name (field 2) is in parentheses and may itself hold spaces or parentheses, so
    fields are counted from the last ')': utime and stime are fields 14 and 15 of the line.
    """
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[11]), int(rest[12])


def cpu_seconds(pid):
    """User + system CPU seconds used so far by process `pid` (all its threads), or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            utime, stime = parse_stat(stat.read())
    except (OSError, ValueError, IndexError):
        return None
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_request(before, after, requests):
    """Server CPU milliseconds per request between two cpu_seconds() readings, or None."""
    if before is None or after is None or not requests:
        return None
    return (after - before) * 1e3 / requests


def build(repo, out_dir):
    """Builds the peer into out_dir (when its source is newer) and returns the binary's path.

    Raises PeerUnavailable with the reason when Go or klauspost/reedsolomon is not installed or the
    build fails.
    """
    go = shutil.which("go")
    if go is None:
        raise PeerUnavailable("go is not installed (bin/setup-peers installs golang-go)")
    if not os.path.exists(KLAUSPOST):
        raise PeerUnavailable(f"{KLAUSPOST} is missing (bin/setup-peers installs "
                              "golang-github-klauspost-reedsolomon-dev)")
    repo, out_dir = os.path.abspath(repo), os.path.abspath(out_dir)  # go wants an absolute GOPATH
    os.makedirs(out_dir, exist_ok=True)
    binary = os.path.join(out_dir, "erasurepeer")
    source = os.path.join(repo, SOURCE)
    if os.path.exists(binary) and os.path.getmtime(binary) >= os.path.getmtime(source):
        return binary
    env = dict(os.environ, GO111MODULE="off", GOFLAGS="", GOPROXY="off",
               GOPATH=os.path.join(repo, "load-tests", "go-peer") + ":/usr/share/gocode",
               GOCACHE=os.path.join(out_dir, "gocache"))
    done = subprocess.run([go, "build", "-o", binary, "erasurepeer"], env=env, cwd=repo,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise PeerUnavailable(f"go build of the peer failed: {(done.stdout + done.stderr).strip()[-600:]}")
    return binary


class GoPeer:
    """The built peer, started on a free port."""

    def __init__(self, binary, log_path):
        self.binary, self.log_path = binary, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, ready_timeout_s=30):
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen([self.binary, "-addr", f"127.0.0.1:{self.port}"], stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + ready_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PeerUnavailable(f"the Go peer exited with {self.process.returncode}; see {self.log_path}")
            try:
                if http("GET", self.url + "/q/health/ready", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise PeerUnavailable(f"the Go peer did not answer within {ready_timeout_s} s; see {self.log_path}")

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


SHARD_HEADERS = ("Codec", "Data-Shards", "Parity-Shards", "Shard-Size", "Object-Size")


def encode_answer(url, query, obj):
    """(shard headers, [(index, crc32c, bytes)]) of POST /v1/encode?query at url."""
    status, headers, body = http("POST", f"{url}/v1/encode?{query}", obj, {"Content-Type": "application/octet-stream"})
    if status != 200:
        raise AssertionError(f"{url} answered encode with {status}: {body[:300]!r}")
    parts = shardsets.parse_mixed(body, headers.get("Content-Type"))
    return ({name: headers.get(name) for name in SHARD_HEADERS},
            [(int(h.get("shard-index", -1)), h.get("shard-crc32c"), data) for h, data in parts])


def differences(ours, theirs):
    """What differs between two encode_answer() results: [] when the shards and headers are the same."""
    found = [f"{name}: {ours[0][name]} vs {theirs[0][name]}" for name in SHARD_HEADERS if ours[0][name] != theirs[0][name]]
    if len(ours[1]) != len(theirs[1]):
        found.append(f"{len(ours[1])} parts vs {len(theirs[1])}")
    for (i, crc, data), (j, crc2, data2) in zip(ours[1], theirs[1]):
        if (i, crc, data) != (j, crc2, data2):
            found.append(f"part {i}/{j} differs (Shard-CRC32C {crc} vs {crc2}, {len(data)} vs {len(data2)} bytes)")
    return found
