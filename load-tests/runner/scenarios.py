"""The runner's scenarios, the same flows as the k6 scripts, prepared as wrk request manifests.

Each scenario is a list of fixed requests (method, path, content type, body file, weight) that
wrk/requests.lua replays. Before any load, every request is sent once and its answer checked byte
for byte (the k6 scripts' checks): echo returns the body, encode's data shards are the object's
split, decode returns the object, reconstruct returns exactly the shards left out. A scenario
whose check fails is not measured, and the report says why.
"""
import json
import os
import random
from dataclasses import dataclass, field

import shardsets
from service import http

#: Request bodies with different erasure patterns per decode/reconstruct scenario.
PATTERNS = 16


@dataclass
class Scenario:
    name: str
    baseline: str            # name of the echo scenario this one is divided by ('' for a baseline)
    object_bytes: float      # object bytes one request handles on average (for MiB/s)
    lines: list = field(default_factory=list)   # (weight, method, path, content_type, body_file)
    checked: int = 0         # requests whose answer was verified byte for byte before the load
    error: str = ""          # why the scenario cannot be measured, if it cannot

    def write_manifest(self, path):
        with open(path, "w") as out:
            for weight, method, target, content_type, body_file in self.lines:
                out.write(f"{weight} {method} {target} {content_type} {body_file}\n")
        return path


class Preparer:
    """Writes the bodies of every scenario under `workdir` and checks each request once."""

    def __init__(self, url, workdir, data_shards, parity_shards, codec, seed=20261122):
        self.url, self.workdir = url, workdir
        self.k, self.m, self.codec = data_shards, parity_shards, codec
        self.rng = random.Random(seed)
        self.query = f"k={data_shards}&m={parity_shards}&codec={codec}"

    def _file(self, name, data):
        path = os.path.join(self.workdir, name)
        with open(path, "wb") as out:
            out.write(data)
        return path

    @staticmethod
    def _check(scenario, ok, what):
        if not ok:
            raise AssertionError(f"{scenario.name}: {what}")

    def echo(self, name, size):
        scenario = Scenario(name, "", size)
        body = self.rng.randbytes(size)
        status, _, answer = http("POST", self.url + "/v1/echo", body, {"Content-Type": "application/octet-stream"})
        self._check(scenario, status == 200 and answer == body, f"echo of {size} bytes answered {status}")
        scenario.lines.append((1, "POST", "/v1/echo", "application/octet-stream", self._file(f"{name}.bin", body)))
        scenario.checked = len(scenario.lines)
        return scenario

    def encode(self, name, size, baseline):
        scenario = Scenario(name, baseline, size)
        obj = self.rng.randbytes(size)
        target = f"/v1/encode?{self.query}"
        status, headers, answer = http("POST", self.url + target, obj, {"Content-Type": "application/octet-stream"})
        self._check(scenario, status == 200, f"encode of {size} bytes answered {status}: {answer[:300]!r}")
        parts = shardsets.parse_mixed(answer, headers.get("Content-Type"))
        data = [body for _, body in parts[:self.k]]
        self._check(scenario, len(parts) == self.k + self.m and data == shardsets.split(obj, self.k),
                    f"encode of {size} bytes: {len(parts)} parts, data shards differ from the object's split")
        scenario.lines.append((1, "POST", target, "application/octet-stream", self._file(f"{name}.bin", obj)))
        scenario.checked = len(scenario.lines)
        return scenario

    def stripe(self, size):
        """Encodes a random object with Accept: application/json: (object, {index: (crc, bytes)})."""
        obj = self.rng.randbytes(size)
        status, _, answer = http("POST", f"{self.url}/v1/encode?{self.query}", obj,
                                 {"Content-Type": "application/octet-stream", "Accept": "application/json"})
        if status != 200:
            raise AssertionError(f"encode with Accept: application/json answered {status}: {answer[:300]!r}")
        shards = shardsets.shards_from_json(json.loads(answer))
        if [shards[i][1] for i in range(self.k)] != shardsets.split(obj, self.k):
            raise AssertionError("JSON encode: data shards differ from the object's split")
        return obj, shards

    def _degraded_bodies(self, name, shards, minimum_erasures):
        for pattern in range(PATTERNS):
            erased = shardsets.pick_erasures(self.k + self.m, self.rng.randint(minimum_erasures, self.m), self.rng)
            boundary = f"shards{pattern:02d}{self.rng.getrandbits(48):012x}"
            present = [(i, crc, data) for i, (crc, data) in sorted(shards.items()) if i not in erased]
            body = shardsets.build_mixed(present, boundary)
            yield erased, f"multipart/mixed;boundary={boundary}", body, self._file(f"{name}-{pattern:02d}.bin", body)

    def echo_of(self, name, scenario):
        """The transport baseline of `scenario`: its request bodies and weights, sent to /v1/echo."""
        echo = Scenario(name, "", scenario.object_bytes)
        for weight, _, _, _, body_file in scenario.lines:
            with open(body_file, "rb") as source:
                body = source.read()
            status, _, answer = http("POST", self.url + "/v1/echo", body, {"Content-Type": "application/octet-stream"})
            self._check(echo, status == 200 and answer == body, f"echo of {len(body)} bytes answered {status}")
            echo.lines.append((weight, "POST", "/v1/echo", "application/octet-stream", body_file))
        echo.checked = len(echo.lines)
        return echo

    def decode(self, name, size, baseline, stripe):
        obj, shards = stripe
        scenario = Scenario(name, baseline, size)
        target = f"/v1/decode?{self.query}&size={size}"
        for erased, content_type, body, path in self._degraded_bodies(name, shards, 1):
            status, _, answer = http("POST", self.url + target, body, {"Content-Type": content_type})
            self._check(scenario, status == 200 and answer == obj, f"decode without shards {erased} answered {status}"
                        f" with {len(answer)} bytes ({'the object' if answer == obj else 'not the object'})")
            scenario.lines.append((1, "POST", target, content_type, path))
        scenario.checked = len(scenario.lines)
        return scenario

    def reconstruct(self, name, size, baseline, stripe):
        _, shards = stripe
        scenario = Scenario(name, baseline, 0)
        target = f"/v1/reconstruct?{self.query}"
        rebuilt = 0
        for erased, content_type, body, path in self._degraded_bodies(name, shards, 1):
            status, headers, answer = http("POST", self.url + target, body, {"Content-Type": content_type})
            parts = shardsets.parse_mixed(answer, headers.get("Content-Type")) if status == 200 else []
            got = [(int(h.get("shard-index", -1)), data) for h, data in parts]
            self._check(scenario, got == [(i, shards[i][1]) for i in erased],
                        f"reconstruct without shards {erased} answered {status} with shards {[i for i, _ in got]}")
            rebuilt += sum(len(shards[i][1]) for i in erased)
            scenario.lines.append((1, "POST", target, content_type, path))
        scenario.checked = len(scenario.lines)
        scenario.object_bytes = rebuilt / PATTERNS
        return scenario


def mixed(name, weighted, baseline):
    """A scenario replaying the requests of others, each scenario's share given by its weight."""
    scenario = Scenario(name, baseline, 0)
    total = sum(weight for weight, _ in weighted)
    for weight, part in weighted:
        scenario.checked += part.checked
        scenario.object_bytes += part.object_bytes * weight / total
        share = weight * PATTERNS // len(part.lines)
        scenario.lines += [(share, method, target, ctype, body) for _, method, target, ctype, body in part.lines]
    return scenario


