// Question: how fast does the service rebuild lost shards (the repair path of a storage system
// after a disk or node loss)? Each iteration leaves 1..M random shards out of a stripe encoded in
// setup and checks that /v1/reconstruct returns exactly those shards, byte for byte.
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e K=10 -e M=4 -e RATE=20 reconstruct.js
//       k6 run -e ERASURES=2 -e EXECUTOR=constant-vus -e VUS=8 reconstruct.js
// Env:  K (10), M (4), CODEC, SIZE (1MiB), ERASURES (random = 1..M), SHARD_FORMAT (mixed | json |
//       form), VERIFY (1), executor variables.

import { formatBytes, shape as readShape } from './lib/config.js';
import { prepareStripe, reconstructIteration } from './lib/flows.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const shape = readShape('SIZE', 1048576);

export const options = buildOptions([{ name: 'reconstruct', exec: 'default', p95: 300, p99: 600 }], 20);

export function setup() {
  return prepareStripe(shape);
}

export default function (stripe) {
  reconstructIteration('reconstruct', stripe);
}

export const handleSummary = summaryWriter(`reconstruct-${shape.k}x${shape.m}-${formatBytes(shape.size)}`);
