// Question: how fast are degraded reads? Each iteration sends the shards of one stripe (produced
// by the service's own encode in setup) with 1..M random shards left out and checks that
// /v1/decode returns exactly the original object. ERASURES=0 measures the fast path (all data
// shards present), ERASURES=M the worst case (a matrix inversion and M shards rebuilt).
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e K=10 -e M=4 -e RATE=20 decode-erasures.js
//       k6 run -e ERASURES=4 -e SHARD_FORMAT=json -e EXECUTOR=constant-vus -e VUS=8 decode-erasures.js
// Env:  K (10), M (4), CODEC, SIZE (1MiB), ERASURES (random = 1..M), SHARD_FORMAT (mixed | json |
//       form), VERIFY (1), executor variables.

import { formatBytes, shape as readShape } from './lib/config.js';
import { decodeIteration, prepareStripe } from './lib/flows.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const shape = readShape('SIZE', 1048576);

export const options = buildOptions([{ name: 'decode', exec: 'default', p95: 300, p99: 600 }], 20);

export function setup() {
  return prepareStripe(shape);
}

export default function (stripe) {
  decodeIteration('decode', stripe);
}

export const handleSummary = summaryWriter(`decode-${shape.k}x${shape.m}-${formatBytes(shape.size)}`);
