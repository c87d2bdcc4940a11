"""Shard sets of the contract (docs/api.md) for the local runner: build multipart/mixed request bodies
from an encode answer in JSON, parse multipart/mixed answers, split objects like klauspost Split."""
import base64
import random
import re


def split(obj, data_shards):
    """The k data shards of `obj`: shardSize = ceil(len / k), the tail of the last ones zero-padded."""
    shard_size = -(-len(obj) // data_shards)
    padded = obj.ljust(shard_size * data_shards, b"\0")
    return [padded[i * shard_size:(i + 1) * shard_size] for i in range(data_shards)]


def shards_from_json(shard_set):
    """{index: (crc32c, bytes)} from a JSON shard set (the encode answer with Accept: application/json)."""
    return {s["index"]: (s["crc32c"], base64.b64decode(s["data"])) for s in shard_set["shards"]}


def pick_erasures(total_shards, count, rng=random):
    """`count` distinct shard indexes out of `total_shards`, ascending."""
    return sorted(rng.sample(range(total_shards), count))


def build_mixed(shards, boundary):
    """multipart/mixed body with one part per (index, crc32c, bytes), in the order given."""
    out = bytearray()
    for index, crc, data in shards:
        out += (f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
                f"Shard-Index: {index}\r\nShard-CRC32C: {crc}\r\n\r\n").encode("ascii")
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode("ascii")
    return bytes(out)


def boundary_of(content_type):
    match = re.search(r'boundary="?([^";]+)"?', content_type or "", re.I)
    if not match:
        raise ValueError(f"no multipart boundary in Content-Type {content_type!r}")
    return match.group(1)


def parse_mixed(body, content_type):
    """[(headers with lowercase names, bytes)] of a multipart/mixed body; ValueError if malformed."""
    delimiter = b"\r\n--" + boundary_of(content_type).encode("ascii")
    at = body.find(delimiter[2:])
    if at < 0:
        raise ValueError("multipart body without a delimiter")
    at += len(delimiter) - 2
    parts = []
    while not body.startswith(b"--", at):
        head_end = body.find(b"\r\n\r\n", at)
        next_at = body.find(delimiter, head_end + 4) if head_end >= 0 else -1
        if next_at < 0:
            raise ValueError("multipart part without headers or closing delimiter")
        headers = {}
        for line in body[at + 2:head_end].decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if value:
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, body[head_end + 4:next_at]))
        at = next_at + len(delimiter)
    return parts
