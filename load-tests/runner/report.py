"""Writes the "HTTP load" section of docs/benchmarks.md and the plots of one local run.

Only this section (between its section markers) is replaced; the rest of the file, such as the
"Codec kernels" section of the JMH benchmarks, is kept as it is.
"""
import datetime
import os
import platform
import re
import subprocess

import plots

BEGIN, END = "<!-- section:http-load -->", "<!-- /section:http-load -->"
MIB = 1048576


def _first_line(command, cwd=None):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=cwd)
        return (done.stdout + done.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def loadavg():
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    try:
        with open("/proc/loadavg") as f:
            return " / ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def machine(repo):
    """What the figures were measured on: CPU, cores, memory, kernel, JDK, wrk, commit."""
    cpu, memory = "unknown", "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
        with open("/proc/meminfo") as info:
            memory = f"{int(info.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    return {"loadavg_before": loadavg(), "cpu": cpu, "cores": os.cpu_count(), "memory": memory, "kernel": platform.release(),
            "java": _first_line([java, "-version"]), "wrk": _first_line(["wrk", "-v"]).split(" Copyright")[0],
            "commit": _first_line(["git", "rev-parse", "--short", "HEAD"], cwd=repo),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _ms(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


def error_count(point):
    return sum(point["errors"].values())


def ratio(point, points):
    """Requests/s of `point` over its echo baseline's at the same concurrency, or None."""
    base = next((p for p in points if p["scenario"] == point["baseline"]
                 and p["connections"] == point["connections"]), None)
    return point["requests_per_s"] / base["requests_per_s"] if base and base["requests_per_s"] else None


def _throughput_table(run):
    points, levels = run["points"], run["args"]["levels"]
    names = list(dict.fromkeys(p["scenario"] for p in points))
    rows = ["| scenario | baseline | " + " | ".join(f"c={c}" for c in levels) + " |",
            "|---|---|" + "---|" * len(levels)]
    for name in names:
        cells = []
        for level in levels:
            p = next((x for x in points if x["scenario"] == name and x["connections"] == level), None)
            if p is None:
                cells.append("—")
                continue
            r = ratio(p, points)
            cells.append(f"{p['requests_per_s']:.0f} req/s, {p['requests_per_s'] * p['object_bytes'] / MIB:.1f} MiB/s"
                         + (f", **{r:.2f}×**" if r is not None else "") + (" †" if r is not None and r > 1.05 else ""))
        baseline = next(p["baseline"] for p in points if p["scenario"] == name) or "(is one)"
        rows.append(f"| {name} | {baseline} | " + " | ".join(cells) + " |")
    return rows


def _latency_table(run):
    rows = ["| scenario | c | requests | p50 ms | p95 ms | p99 ms | max ms | errors |",
            "|---|---|---|---|---|---|---|---|"]
    for p in run["points"]:
        lat, errors = p["latency_ms"], error_count(p)
        flag = " ⚠ > 0.1 %" if p["requests"] and errors / p["requests"] > 0.001 else ""
        rows.append(f"| {p['scenario']} | {p['connections']} | {p['requests']} | {_ms(lat.get('p50'))} | "
                    f"{_ms(lat.get('p95'))} | {_ms(lat.get('p99'))} | {_ms(lat.get('max'))} | {errors}{flag} |")
    return rows


def _sweep_point(run, size, kind):
    return next((p for p in run["sweep"] if p["size"] == size and p["kind"] == kind), None)


def _sweep_table(run):
    handoff = any(p["kind"] == "encode_handoff" for p in run["sweep"])
    head = ("| object size | echo req/s | encode req/s | encode / echo | echo p50 ms | encode p50 ms | "
            "added p50 µs | encode p99 ms |")
    rule = "|---|---|---|---|---|---|---|---|"
    if handoff:
        head += " hand-off req/s | hand-off p50 ms | encode / hand-off |"
        rule += "---|---|---|"
    rows = [head, rule]
    for size in sorted({p["size"] for p in run["sweep"]}):
        echo, enc = _sweep_point(run, size, "echo"), _sweep_point(run, size, "encode")
        if not echo or not enc:
            continue
        row = (f"| {size} B | {echo['requests_per_s']:.0f} | {enc['requests_per_s']:.0f} | "
               f"{enc['requests_per_s'] / echo['requests_per_s']:.2f} | {echo['latency_ms']['p50']:.3f} | "
               f"{enc['latency_ms']['p50']:.3f} | {(enc['latency_ms']['p50'] - echo['latency_ms']['p50']) * 1e3:.0f} | "
               f"{enc['latency_ms']['p99']:.3f} |")
        if handoff:
            off = _sweep_point(run, size, "encode_handoff")
            row += (f" {off['requests_per_s']:.0f} | {off['latency_ms']['p50']:.3f} | "
                    f"{enc['requests_per_s'] / off['requests_per_s']:.2f} |" if off and off["requests_per_s"]
                    else " – | – | – |")
        rows.append(row)
    return rows


def _sweep_summary(run):
    """Sentences computed from the sweep: encode's added p50 and rate ratio, and inline vs hand-off."""
    pairs = []
    for size in sorted({p["size"] for p in run["sweep"]}):
        echo, enc = _sweep_point(run, size, "echo"), _sweep_point(run, size, "encode")
        if echo and enc and echo["requests_per_s"]:
            pairs.append((size, (enc["latency_ms"]["p50"] - echo["latency_ms"]["p50"]) * 1e3,
                          enc["requests_per_s"] / echo["requests_per_s"]))
    if len(pairs) < 2:
        return []
    added, ratios = [a for _, a, _ in pairs], [r for _, _, r in pairs]
    lines = ["", f"From {pairs[0][0]} B to {pairs[-1][0]} B, encode adds {min(added):.0f}–{max(added):.0f} µs to "
             f"echo's median latency and reaches {min(ratios):.2f}–{max(ratios):.2f}× echo's request rate. An added "
             "cost that does not grow with the object size is per-request overhead (parsing, multipart framing, "
             "the hand-off to a worker), not GF arithmetic."]
    versus = []
    for size, _, _ in pairs:
        enc, off = _sweep_point(run, size, "encode"), _sweep_point(run, size, "encode_handoff")
        if off and off["requests_per_s"]:
            versus.append(f"{size} B {enc['requests_per_s'] / off['requests_per_s']:.2f}×")
    if versus:
        lines += ["", "*encode* ran with the default `erasure.jobs.inline-max-bytes`: stripes (all k+m shards) "
                  "up to that size are coded on the "
                  "event loop; *hand-off* is a second service started in the same run with "
                  "`-Derasure.jobs.inline-max-bytes=0`, every job on a worker. Encode ÷ hand-off request rate: "
                  + ", ".join(versus) + "."]
    return lines


def _memory_lines(run):
    native = [s["native_bytes"] for s in run["memory"] if s["native_bytes"] is not None]
    rss = [s["rss_bytes"] for s in run["memory"] if s["rss_bytes"] is not None]
    if not native:
        return ["The service exposed no `erasure_native_bytes_in_use` on `/q/metrics` during this run."]
    lines = [f"- native bytes in use: {native[0] / MIB:.1f} MiB before the load, peak {max(native) / MIB:.1f} MiB, "
             f"{native[-1] / MIB:.1f} MiB three seconds after the last request ({len(native)} samples)."]
    if rss:
        lines.append(f"- JVM resident set: {rss[0] / MIB:.0f} MiB at start, peak {max(rss) / MIB:.0f} MiB, "
                     f"{rss[-1] / MIB:.0f} MiB at the end.")
    return lines


def section(run, plot_files):
    m, a = run["machine"], run["args"]
    prepared = run["prepared"]
    lines = [BEGIN, "## HTTP load", "",
             "_Generated by `load-tests/run-local.sh` (load-tests/runner/report.py) — do not edit by hand; rerun it._", "",
             f"- **Date:** {m['date']}; **commit:** `{m['commit']}`; **command:** `{run['command'].strip()}`",
             *([f"- **Note:** {a['note']}"] if a.get("note") else []),
             f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}, Linux {m['kernel']}; {m['java']}; "
             f"load generator {m['wrk']} on the same machine (it competes with the service for the cores); "
             f"load average {m.get('loadavg_before', '?')} before the run, {m.get('loadavg_after', '?')} after it.",
             f"- **Shape:** k={a['k']}, m={a['m']}, codec {a['codec']}; small objects {a['small']} B, large "
             f"{a['large']} B; {a['duration']} s per point; concurrency = wrk connections (closed loop, like "
             "k6 `constant-vus`).", "",
             "Before the load, every request the scenarios replay was sent once and checked byte for byte "
             "(encode data shards = the object's split, decode = the object, reconstruct = exactly the lost shards):", ""]
    lines += [f"- {name}: " + (f"not measured — {p['error']}" if p["error"] else
                               f"{p['checked']} request{'' if p['checked'] == 1 else 's'} checked")
              for name, p in prepared.items()]
    lines += ["", "### Throughput and ratio to the transport baseline", "",
              "Each cell: requests/s, object MiB/s, and **requests/s ÷ the echo baseline's** at the same concurrency "
              "(the echo baseline sends the same request bodies to `POST /v1/echo`, which does no coding). "
              "The ratio is the figure to compare across machines.", ""]
    lines += _throughput_table(run) if run["points"] else ["No point was measured."]
    if "†" in "\n".join(lines):
        lines += ["", "† ratio above 1: the coding request was served faster than the echo of the same request "
                  "body. Either the echo path is not a lower bound at this size and concurrency, or the point was "
                  "disturbed (this machine is shared; see the load average above). Compare the latency table."]
    lines += ["", "### Latency", ""] + (_latency_table(run) if run["points"] else ["—"])
    if run["sweep"]:
        lines += ["", f"### Small objects: echo vs encode (decision data, c={a['sweep_level']})", "",
                  "Whether small objects should be coded inline on the event loop or handed to a worker depends on "
                  "how much a coding request costs beyond the transport; *added p50* is encode's median latency "
                  "minus echo's for the same body.", ""] + _sweep_table(run) + _sweep_summary(run)
    lines += ["", "### Native memory", ""] + _memory_lines(run)
    if run.get("shutdown_log"):
        lines += ["", "The service's log when the runner stopped it (SIGTERM):", "", "```"]
        lines += [line.split("] ", 1)[-1] if "] (" in line else line for line in run["shutdown_log"]] + ["```"]
    lines += ["", "### Plots", ""] + [f"![{title}](plots/{os.path.basename(path)})" for title, path in plot_files]
    lines += ["", "How to read these figures and how to rerun them: [load-tests/README.md](../load-tests/README.md).",
              END]
    return "\n".join(lines) + "\n"


def replace_section(document, new_section):
    """`document` with its HTTP load section replaced by `new_section` (appended when absent)."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: new_section, document, count=1)
    return (document.rstrip("\n") + "\n\n" if document.strip() else "# Benchmarks\n\n") + new_section


def write(run, doc_path, plot_dir):
    os.makedirs(plot_dir, exist_ok=True)
    plot_files = plots.draw_all(run, plot_dir)
    document = open(doc_path).read() if os.path.exists(doc_path) else ""
    os.makedirs(os.path.dirname(doc_path), exist_ok=True)
    with open(doc_path, "w") as out:
        out.write(replace_section(document, section(run, plot_files)))
