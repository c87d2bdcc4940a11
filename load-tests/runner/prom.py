"""Reads the Prometheus text exposition of /q/metrics (the subset Quarkus/Micrometer emits)."""
import re

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?\s*$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

#: The gauge of native bytes the pool has handed out; Micrometer may add the unit suffix.
NATIVE_BYTES_NAMES = ("erasure_native_bytes_in_use", "erasure_native_bytes_in_use_bytes")


def parse(text):
    """[(name, {label: value}, float)] for every sample line; comments and blank lines skipped.
    Raises ValueError on a line that is neither (a truncated or non-Prometheus body)."""
    samples = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            raise ValueError(f"line {number} is not a Prometheus sample: {line!r}")
        labels = {k: v.replace('\\"', '"').replace("\\\\", "\\") for k, v in _LABEL.findall(match.group(2) or "")}
        samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def total(samples, names):
    """Sum of the samples whose name is one of `names` (over all label sets), or None if none."""
    values = [value for name, _, value in samples if name in names]
    return sum(values) if values else None


def native_bytes_in_use(text):
    """erasure_native_bytes_in_use summed over its labels, or None when the service lacks it."""
    return total(parse(text), NATIVE_BYTES_NAMES)
