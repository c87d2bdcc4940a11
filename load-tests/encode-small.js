// Question: what request rate of small-block encodes (4 KiB objects, the size of a page or a small
// file block) can the service sustain within its latency objectives, and how much does coding add
// to the transport-only baseline (echo-baseline.js at the same SIZE)? For small objects the cost is
// mostly per-request overhead (parsing, hand-off to a worker, multipart framing), not GF math.
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e K=10 -e M=4 encode-small.js
//       k6 run -e EXECUTOR=constant-vus -e VUS=16 -e DURATION=1m encode-small.js
// Env:  K (10), M (4), CODEC (rs-vandermonde), SIZE (4KiB), VERIFY (1), executor variables.

import { baseUrl, formatBytes, shape as readShape } from './lib/config.js';
import { requireReady } from './lib/client.js';
import { encodeIteration } from './lib/flows.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const shape = readShape('SIZE', 4096);

export const options = buildOptions([{ name: 'encode_small', exec: 'default', p95: 50, p99: 100 }], 200);

export function setup() {
  requireReady(baseUrl());
  return { shape: shape };
}

export default function () {
  encodeIteration('encode_small', shape);
}

export const handleSummary = summaryWriter(`encode-${shape.k}x${shape.m}-${formatBytes(shape.size)}`);
