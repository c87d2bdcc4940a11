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
PEER_BEGIN, PEER_END = "<!-- section:go-peer -->", "<!-- /section:go-peer -->"
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
    rows = ["| scenario | c | requests | p50 ms | p95 ms | p99 ms | max ms | service CPU ms/request | errors |",
            "|---|---|---|---|---|---|---|---|---|"]
    for p in run["points"]:
        lat, errors = p["latency_ms"], error_count(p)
        flag = " ⚠ > 0.1 %" if p["requests"] and errors / p["requests"] > 0.001 else ""
        rows.append(f"| {p['scenario']} | {p['connections']} | {p['requests']} | {_ms(lat.get('p50'))} | "
                    f"{_ms(lat.get('p95'))} | {_ms(lat.get('p99'))} | {_ms(lat.get('max'))} | "
                    f"{_ms(p.get('cpu_ms_per_request'), 4)} | {errors}{flag} |")
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


def _size(size):
    return f"{size // MIB} MiB" if size % MIB == 0 else f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} B"


def _span(values, fmt):
    """'a' for one value or equal values, 'a-b' for a range (min-max over rounds), '—' for none."""
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    low, high = fmt(min(values)), fmt(max(values))
    return low if low == high else f"{low}-{high}"


def peer_pairs(points):
    """{(endpoint, size): [(service point, go point) per round]}: the pairs measured one after the other."""
    pairs = {}
    for p in points:
        if p["server"] != "service":
            continue
        twin = next((q for q in points if q["server"] == "go" and q["endpoint"] == p["endpoint"]
                     and q["size"] == p["size"] and q["round"] == p["round"]), None)
        if twin:
            pairs.setdefault((p["endpoint"], p["size"]), []).append((p, twin))
    return pairs


def _quotient(a, b):
    return a / b if a is not None and b else None


def peer_ratios(pair):
    """Ours / Go's for one round: requests/s, p50, p99 and CPU per request (None when unknown)."""
    ours, theirs = pair
    return {"rps": _quotient(ours["requests_per_s"], theirs["requests_per_s"]),
            "p50": _quotient(ours["latency_ms"]["p50"], theirs["latency_ms"]["p50"]),
            "p99": _quotient(ours["latency_ms"]["p99"], theirs["latency_ms"]["p99"]),
            "cpu": _quotient(ours.get("cpu_ms_per_request"), theirs.get("cpu_ms_per_request"))}


def _verdict(flags):
    flags = [f for f in flags if f is not None]
    if not flags:
        return "not measured"
    if all(flags):
        return "**met**"
    return "**not met**" if not any(flags) else f"met in {sum(flags)} of {len(flags)} rounds"


def peer_goals(points):
    """The goal of the Go peer comparison, checked round by round: [(what, verdict, ratios seen)].

    1 MiB and 64 KiB, encode and echo: CPU per request <= Go's, requests/s >= Go's, p99 <= Go's.
    4 KiB: at least 2x ahead (requests/s >= 2x Go's, CPU per request <= half of Go's). Target
    beyond: 1 MiB encode at <= 0.7x Go's CPU per request.
    """
    pairs, goals = peer_pairs(points), []

    def check(endpoint, size, key, what, passes):
        ratios = [peer_ratios(pair)[key] for pair in pairs.get((endpoint, size), [])]
        flags = [None if r is None else passes(r) for r in ratios]
        goals.append((f"{endpoint} {_size(size)}: {what}", _verdict(flags), _span(ratios, lambda v: f"{v:.2f}")))

    for size in (1048576, 65536):
        for endpoint in ("encode", "echo"):
            check(endpoint, size, "cpu", "CPU/request ours/Go's <= 1", lambda r: r <= 1.0)
            check(endpoint, size, "rps", "req/s ours/Go's >= 1", lambda r: r >= 1.0)
            check(endpoint, size, "p99", "p99 ours/Go's <= 1", lambda r: r <= 1.0)
    for endpoint in ("encode", "echo"):
        check(endpoint, 4096, "rps", "req/s ours/Go's >= 2", lambda r: r >= 2.0)
        check(endpoint, 4096, "cpu", "CPU/request ours/Go's <= 0.5", lambda r: r <= 0.5)
    check("encode", 1048576, "cpu", "target: CPU/request ours/Go's <= 0.7", lambda r: r <= 0.7)
    return [g for g in goals if g[1] != "not measured"]


def _peer_table(points):
    rows = ["| request | service req/s | Go req/s | req/s ours/Go's | service p50 / p99 ms | Go p50 / p99 ms | "
            "p99 ours/Go's | service CPU ms/request | Go CPU ms/request | **CPU ours/Go's** |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for (endpoint, size), pairs in sorted(peer_pairs(points).items(), key=lambda item: (-item[0][1], item[0][0])):
        ours, theirs = [p for p, _ in pairs], [q for _, q in pairs]
        ratios = [peer_ratios(pair) for pair in pairs]

        def col(group, get, fmt):
            return _span([get(p) for p in group], fmt)

        rate, lat = (lambda v: f"{v:.0f}"), (lambda v: f"{v:.3f}")
        ratio = lambda v: f"{v:.2f}"
        rows.append(
            f"| {endpoint} {_size(size)} | {col(ours, lambda p: p['requests_per_s'], rate)} | "
            f"{col(theirs, lambda p: p['requests_per_s'], rate)} | {_span([r['rps'] for r in ratios], ratio)} | "
            f"{col(ours, lambda p: p['latency_ms']['p50'], lat)} / {col(ours, lambda p: p['latency_ms']['p99'], lat)} | "
            f"{col(theirs, lambda p: p['latency_ms']['p50'], lat)} / {col(theirs, lambda p: p['latency_ms']['p99'], lat)} | "
            f"{_span([r['p99'] for r in ratios], ratio)} | "
            f"{col(ours, lambda p: p.get('cpu_ms_per_request'), lambda v: f'{v:.4f}')} | "
            f"{col(theirs, lambda p: p.get('cpu_ms_per_request'), lambda v: f'{v:.4f}')} | "
            f"**{_span([r['cpu'] for r in ratios], ratio)}** |")
    return rows


def peer_section(run):
    m, a, peer = run["machine"], run["args"], run.get("peer") or {}
    lines = [PEER_BEGIN, "## HTTP load against a Go peer", "",
             "_Generated by `load-tests/run-local.sh` (load-tests/runner/report.py) — do not edit by hand; rerun it._", ""]
    if not peer.get("points"):
        reason = peer.get("missing") or "; ".join(d for c in peer.get("checks", []) for d in c["differences"]) \
            or "no point was measured"
        return "\n".join(lines + [f"Not measured in the last run ({m['date']}): {reason}.", PEER_END]) + "\n"
    lines += [f"- **Date:** {m['date']}; **commit:** `{m['commit']}`; **command:** `{run['command'].strip()}`",
              *([f"- **Note:** {a['note']}"] if a.get("note") else []),
              f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}, Linux {m['kernel']}; {m['java']}; "
              f"{m['wrk']} on the same cores; load average {m.get('loadavg_before', '?')} before the run, "
              f"{m.get('loadavg_after', '?')} after it.",
              f"- **Method:** the Go peer (`load-tests/go-peer`, net/http + klauspost/reedsolomon) and the service "
              f"answer the same requests (k={a['k']}, m={a['m']}, {a['codec']}), `wrk -t2 -c{a['peer_level']}`, "
              f"{a['peer_duration']} s per point, {a['peer_rounds']} round{'' if a['peer_rounds'] == 1 else 's'}, each point against the service "
              "followed by the same point against the peer; server CPU per request = user + system time of the "
              "server process over the point (`/proc/<pid>/stat`) ÷ requests served. Cells give the range over "
              "the rounds; ratios are taken per round (each pair measured back to back), then ranged.", "",
              "Before the load, one object of each size was encoded by both servers and the answers compared:", ""]
    lines += [f"- {_size(c['size'])}: " + ("same shards, Shard-CRC32C values and shard headers" if c["same"]
                                           else "differ, not measured: " + "; ".join(c["differences"]))
              for c in peer["checks"]]
    lines += ["", *_peer_table(peer["points"]), "", "Goal (ours ÷ Go's, per round):", ""]
    lines += [f"- {what}: {verdict} ({seen})" for what, verdict, seen in peer_goals(peer["points"])]
    lines += ["", "The load generator shares the cores with the server it measures: compare the two servers within "
              "one run, not absolute figures across runs. CPU per request is the steadiest of these figures.",
              PEER_END]
    return "\n".join(lines) + "\n"


def replace_section(document, new_section, begin=BEGIN, end=END):
    """`document` with the section between `begin` and `end` replaced by `new_section` (appended when absent)."""
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: new_section, document, count=1)
    return (document.rstrip("\n") + "\n\n" if document.strip() else "# Benchmarks\n\n") + new_section


def write(run, doc_path, plot_dir):
    os.makedirs(plot_dir, exist_ok=True)
    plot_files = plots.draw_all(run, plot_dir)
    document = open(doc_path).read() if os.path.exists(doc_path) else ""
    os.makedirs(os.path.dirname(doc_path), exist_ok=True)
    document = replace_section(document, section(run, plot_files))
    if "peer" in run:
        document = replace_section(document, peer_section(run), PEER_BEGIN, PEER_END)
    with open(doc_path, "w") as out:
        out.write(document)


def write_peer(run, doc_path):
    """Replaces only the Go peer section (a --peer-only run)."""
    document = open(doc_path).read() if os.path.exists(doc_path) else ""
    with open(doc_path, "w") as out:
        out.write(replace_section(document, peer_section(run), PEER_BEGIN, PEER_END))
