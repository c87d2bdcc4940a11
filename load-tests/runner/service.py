"""Starts, watches and stops the service for the local runner."""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def joined_service_opts(argv, flags=("--service-opt", "--service-arg")):
    """argv with each `--service-opt -Dx=y` as `--service-opt=-Dx=y`: argparse refuses a separate
    value that starts with "-", and the documented commands use the separate form."""
    out = []
    args = iter(argv)
    for arg in args:
        if arg in flags:
            value = next(args, None)
            out.append(arg if value is None else f"{arg}={value}")
        else:
            out.append(arg)
    return out


def http(method, url, body=None, headers=None, timeout=30):
    """(status, headers, body) of one request; HTTP errors are answers too, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def rss_bytes(pid):
    """Resident set size of process `pid` (from /proc), or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class RunningService:
    """A service this runner did not start, known by its JVM's pid: only its RSS is read."""

    def __init__(self, pid):
        self.pid = pid

    def rss_bytes(self):
        return rss_bytes(self.pid)


class Service:
    """The service started with bin/run on a free port (bin/run builds the jar when it is stale),
    or, given `jar`, that packaged quarkus-run.jar started with the same JVM flags as bin/run."""

    def __init__(self, repo, log_path, extra_args=(), jar=None):
        self.repo, self.log_path, self.extra_args, self.jar = repo, log_path, list(extra_args), jar
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, ready_timeout_s=600):
        log = open(self.log_path, "wb")
        options = [f"-Dquarkus.http.port={self.port}", *self.extra_args]
        if self.jar:
            java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
            command = [java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", *options,
                       "-jar", os.path.abspath(self.jar)]
        else:
            command = [os.path.join(self.repo, "bin", "run"), *options]
        self.process = subprocess.Popen(
            command, cwd=self.repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + ready_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited with {self.process.returncode}; see {self.log_path}")
            try:
                if http("GET", self.url + "/q/health/ready", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the service was not ready within {ready_timeout_s} s; see {self.log_path}")

    @property
    def pid(self):
        """The JVM's pid (bin/run execs java), or None before start()."""
        return self.process.pid if self.process else None

    def rss_bytes(self):
        """Resident set size of the JVM (bin/run execs java, so the pid is the JVM's), or None."""
        return rss_bytes(self.process.pid) if self.process else None

    def shutdown_lines(self):
        """The service log's lines about shutdown, drain and leaks (after stop())."""
        try:
            with open(self.log_path, errors="replace") as log:
                return [line.rstrip() for line in log if re.search(r"(?i)shutdown|drain|leak", line)][-6:]
        except OSError:
            return []

    def stop(self, timeout_s=60):
        """SIGTERM (graceful shutdown), then SIGKILL of the process group after timeout_s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
