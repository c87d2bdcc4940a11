"""PNG plots of one local run (matplotlib, Debian's python3-matplotlib; Agg backend, no display)."""
import os

MIB = 1048576


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _style_axes(axis, levels=None, log_y=True):
    """Plain numbers on log axes (no 2x10^0 minor labels), concurrency levels as x ticks."""
    from matplotlib.ticker import FuncFormatter, NullFormatter
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    if levels:
        axis.set_xticks(levels, [str(c) for c in levels])
        axis.xaxis.set_minor_formatter(NullFormatter())
    if log_y:
        axis.yaxis.set_major_formatter(plain)
        axis.yaxis.set_minor_formatter(NullFormatter())
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)


def _series(points, name, key):
    chosen = sorted((p for p in points if p["scenario"] == name), key=lambda p: p["connections"])
    return [p["connections"] for p in chosen], [key(p) for p in chosen]


def throughput(run, path):
    plt = _pyplot()
    points = run["points"]
    names = list(dict.fromkeys(p["scenario"] for p in points))
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    for name in names:
        style = "--" if name.startswith("echo") else "-"
        left.plot(*_series(points, name, lambda p: p["requests_per_s"]), style, marker="o", label=name)
    for name in [n for n in names if not n.startswith("echo")]:
        base = {p["connections"]: p["requests_per_s"] for p in points
                if p["scenario"] == next(q["baseline"] for q in points if q["scenario"] == name)}
        xs, ys = _series(points, name, lambda p: p["requests_per_s"] / base[p["connections"]]
                         if base.get(p["connections"]) else float("nan"))
        right.plot(xs, ys, marker="o", label=name)
    left.set(title="Throughput vs concurrency", xlabel="concurrent connections", ylabel="requests/s (log)",
             xscale="log", yscale="log")
    right.set(title="Ratio to the echo baseline (same bodies, same concurrency)", xlabel="concurrent connections",
              ylabel="requests/s ÷ echo requests/s", xscale="log")
    right.axhline(1.0, color="grey", linewidth=0.8)
    _style_axes(left, run["args"]["levels"])
    _style_axes(right, run["args"]["levels"], log_y=False)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def latency(run, path):
    plt = _pyplot()
    points = run["points"]
    names = [n for n in dict.fromkeys(p["scenario"] for p in points) if not n.startswith("echo")]
    columns = 3
    rows = max(1, -(-len(names) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(14, 4.2 * rows), squeeze=False)
    for axis, name in zip(axes.flat, names):
        for key, colour in (("p50", "tab:blue"), ("p95", "tab:orange"), ("p99", "tab:red")):
            axis.plot(*_series(points, name, lambda p, k=key: p["latency_ms"][k]), marker="o", color=colour, label=key)
        baseline = next(p["baseline"] for p in points if p["scenario"] == name)
        axis.plot(*_series(points, baseline, lambda p: p["latency_ms"]["p50"]), "--", color="grey",
                  label=f"{baseline} p50")
        axis.set(title=name, xlabel="concurrent connections", ylabel="latency ms (log)", xscale="log", yscale="log")
        _style_axes(axis, run["args"]["levels"])
    for axis in list(axes.flat)[len(names):]:
        axis.set_visible(False)
    fig.suptitle("Latency percentiles vs concurrency (dashed: transport baseline p50)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _phase_of(label):
    """'decode c=16' -> 'c=16', 'sweep echo_1024' -> 'sweep', 'warm-up' -> 'warm-up', idle -> None."""
    if label.startswith("sweep"):
        return "small-object sweep"
    if " c=" in label:
        return label.split(" ", 1)[1]
    return "warm-up" if label == "warm-up" else None


def _phases(samples):
    """[(phase name, first t, last t)] of consecutive samples in the same load phase (idle gaps ignored)."""
    phases = []
    for sample in samples:
        phase = _phase_of(sample["label"])
        if phase is None:
            continue
        if phases and phases[-1][0] == phase:
            phases[-1][2] = sample["t"]
        else:
            phases.append([phase, sample["t"], sample["t"]])
    return [tuple(p) for p in phases]


def native_memory(run, path):
    plt = _pyplot()
    samples = run["memory"]
    fig, axis = plt.subplots(figsize=(14, 5))
    times = [s["t"] for s in samples if s["native_bytes"] is not None]
    axis.plot(times, [s["native_bytes"] / MIB for s in samples if s["native_bytes"] is not None],
              color="tab:purple", label="erasure_native_bytes_in_use")
    axis.set(title="Native memory in use over the run (bands: load phases; each phase runs every scenario once)",
             xlabel="seconds since start", ylabel="MiB")
    rss = [(s["t"], s["rss_bytes"] / MIB) for s in samples if s["rss_bytes"] is not None]
    if rss:
        other = axis.twinx()
        other.plot(*zip(*rss), color="tab:green", alpha=0.6, label="JVM resident set (RSS)")
        other.set_ylabel("RSS MiB")
        other.legend(loc="center right", fontsize=8)
    for index, (group, start, end) in enumerate(_phases(samples)):  # one shaded band per load phase
        axis.axvspan(start, end, alpha=0.10 if index % 2 else 0.04, color="tab:blue")
        axis.text((start + end) / 2, 0.98, group, fontsize=8, va="top", ha="center",
                  transform=axis.get_xaxis_transform())
    axis.legend(loc="center left", fontsize=8)
    axis.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def small_objects(run, path):
    plt = _pyplot()
    sweep = run["sweep"]
    sizes = sorted({p["size"] for p in sweep})
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    for kind, colour in (("echo", "tab:grey"), ("encode", "tab:orange"), ("encode_handoff", "tab:blue")):
        chosen = [next((p for p in sweep if p["size"] == s and p["kind"] == kind), None) for s in sizes]
        xs = [s for s, p in zip(sizes, chosen) if p]
        if not xs:
            continue
        left.plot(xs, [p["requests_per_s"] for p in chosen if p], color=colour, marker="o", label=kind)
        right.plot(xs, [p["latency_ms"]["p50"] for p in chosen if p], "-", color=colour, marker="o", label=f"{kind} p50")
        right.plot(xs, [p["latency_ms"]["p99"] for p in chosen if p], ":", color=colour, marker="x", label=f"{kind} p99")
    left.set(title=f"Small objects: requests/s at c={run['args']['sweep_level']}", xlabel="object bytes (log)",
             ylabel="requests/s", xscale="log")
    right.set(title="Small objects: latency", xlabel="object bytes (log)", ylabel="ms (log)", xscale="log",
              yscale="log")
    _style_axes(left, sizes, log_y=False)
    _style_axes(right, sizes)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def draw_all(run, plot_dir):
    """Draws every plot the run has data for; returns [(title, path)]."""
    drawn = []
    wanted = [("Throughput vs concurrency", "http-throughput.png", throughput, bool(run["points"])),
              ("Latency percentiles", "http-latency.png", latency, bool(run["points"])),
              ("Native memory over time", "http-native-memory.png", native_memory, bool(run["memory"])),
              ("Small objects: echo vs encode", "http-small-objects.png", small_objects, bool(run["sweep"]))]
    for title, name, draw, has_data in wanted:
        if has_data:
            path = os.path.join(plot_dir, name)
            draw(run, path)
            drawn.append((title, path))
    return drawn
