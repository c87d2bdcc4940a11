"""Parses what wrk prints: its text summary (with --latency) and the WRK_JSON line of wrk/requests.lua.

The JSON line carries exact microsecond percentiles and error counts; the text summary is parsed
too, both as a fallback (a wrk without the Lua script) and as a cross-check of the request count.
"""
import json
import re

_TIME_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_BYTE_UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}
_METRIC_UNITS = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}


def parse_duration(text):
    """'1.23ms' -> 0.00123 seconds (wrk's units: us, ms, s, m, h)."""
    match = re.fullmatch(r"\s*([\d.]+)(us|ms|s|m|h)\s*", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _TIME_UNITS[match.group(2)]


def parse_bytes(text):
    """'1.50MB' -> 1572864 (wrk prints binary multiples with decimal-looking names)."""
    match = re.fullmatch(r"\s*([\d.]+)(B|KB|MB|GB|TB)\s*", text)
    if not match:
        raise ValueError(f"not a wrk byte count: {text!r}")
    return float(match.group(1)) * _BYTE_UNITS[match.group(2)]


def _parse_count(text):
    """'12.34k' -> 12340.0 (wrk's metric suffixes for counts in the thread stats)."""
    match = re.fullmatch(r"\s*([\d.]+)([kMG]?)\s*", text)
    return float(match.group(1)) * _METRIC_UNITS[match.group(2)]


def parse_text(output):
    """Fields of wrk's own summary. Missing lines give missing keys, never guessed values."""
    result = {"errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0}}
    match = re.search(r"^\s*(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output, re.M)
    if match:
        result["requests"] = int(match.group(1))
        result["duration_s"] = parse_duration(match.group(2))
        result["bytes_read"] = parse_bytes(match.group(3))
    match = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.M)
    if match:
        result["requests_per_s"] = float(match.group(1))
    match = re.search(r"^Transfer/sec:\s*([\d.]+\w+)", output, re.M)
    if match:
        result["transfer_per_s"] = parse_bytes(match.group(1))
    match = re.search(r"^\s*Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)", output, re.M)
    if match:
        result["latency_mean_s"] = parse_duration(match.group(1))
        result["latency_max_s"] = parse_duration(match.group(3))
    distribution = re.search(r"Latency Distribution\s*\n((?:\s+[\d.]+%\s+[\d.]+\w+\s*\n)+)", output)
    if distribution:
        result["latency_percentiles_s"] = {
            float(p): parse_duration(v)
            for p, v in re.findall(r"([\d.]+)%\s+([\d.]+\w+)", distribution.group(1))}
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        for key, value in zip(("connect", "read", "write", "timeout"), match.groups()):
            result["errors"][key] = int(value)
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match:
        result["errors"]["status"] = int(match.group(1))
    return result


def parse_json_line(output):
    """The WRK_JSON line of wrk/requests.lua as a dict, or None when it is absent."""
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON "):])
    return None


def parse(output):
    """One wrk run: requests, duration_s, requests_per_s, errors, latency_ms {p50, p75, p90, p95,
    p99, p99.9, mean, max}, bytes_read. Prefers the exact WRK_JSON figures; raises ValueError when
    the output holds neither summary (wrk failed to start)."""
    text = parse_text(output)
    exact = parse_json_line(output)
    if exact is None and "requests" not in text:
        raise ValueError("no wrk summary in the output:\n" + output[-2000:])
    if exact is None:
        latency = {f"p{p:g}": s * 1e3 for p, s in text.get("latency_percentiles_s", {}).items()}
        latency.update(mean=text.get("latency_mean_s", 0) * 1e3, max=text.get("latency_max_s", 0) * 1e3)
        return {"requests": text["requests"], "duration_s": text["duration_s"],
                "requests_per_s": text.get("requests_per_s", text["requests"] / text["duration_s"]),
                "bytes_read": text.get("bytes_read", 0), "errors": text["errors"], "latency_ms": latency}
    if "requests" in text and text["requests"] != exact["requests"]:
        raise ValueError(f"wrk's summary counts {text['requests']} requests, WRK_JSON {exact['requests']}")
    duration_s = exact["duration_us"] / 1e6
    latency = {key: value / 1e3 for key, value in exact["latency_us"].items() if key != "stdev"}
    errors = dict(exact["errors"])
    errors["status"] = max(errors["status"], text["errors"]["status"])
    return {"requests": exact["requests"], "duration_s": duration_s,
            "requests_per_s": exact["requests"] / duration_s if duration_s else 0.0,
            "bytes_read": exact["bytes"], "errors": errors, "latency_ms": latency}
