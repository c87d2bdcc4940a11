"""Interop peer on zfec (Debian python3-zfec), run by the Java tests with Debian's python3:

  rspeer.py encode      zfec k m size              < k*size data bytes > (k+m)*size shard bytes
  rspeer.py reconstruct zfec k m size lost[,lost]  < (k+m)*size bytes  > (k+m)*size bytes

Shard i is zfec's block number i of zfec.Encoder(k, k + m): blocks 0..k-1 are the data (zfec's
primary blocks), k..k+m-1 its check blocks. To reconstruct, zfec.Decoder gets the first k
surviving blocks and returns the data; the lost check blocks are then encoded again.
"""
import sys

import zfec


def main(argv):
    if len(argv) < 5 or argv[1] != "zfec":
        sys.exit("usage: rspeer.py encode|reconstruct zfec k m size [lost,...]")
    k, m, size = int(argv[2]), int(argv[3]), int(argv[4])
    n = k + m
    if k < 1 or m < 1 or n > 256 or size < 1:
        sys.exit("bad shape")
    data = sys.stdin.buffer.read()
    if argv[0] == "encode":
        if len(data) != k * size:
            sys.exit("expected %d bytes on stdin, got %d" % (k * size, len(data)))
        blocks = [data[i * size:(i + 1) * size] for i in range(k)]
        shards = zfec.Encoder(k, n).encode(blocks)
    elif argv[0] == "reconstruct":
        if len(data) != n * size:
            sys.exit("expected %d bytes on stdin, got %d" % (n * size, len(data)))
        lost = {int(i) for i in argv[5].split(",")} if len(argv) > 5 and argv[5] else set()
        survivors = [i for i in range(n) if i not in lost][:k]
        if len(survivors) < k:
            sys.exit("too few shards")
        blocks = [data[i * size:(i + 1) * size] for i in survivors]
        primary = zfec.Decoder(k, n).decode(blocks, survivors)
        shards = zfec.Encoder(k, n).encode(primary)
    else:
        sys.exit("unknown operation")
    out = sys.stdout.buffer
    for shard in shards:
        out.write(bytes(shard))
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
