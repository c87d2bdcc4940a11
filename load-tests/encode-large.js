// Question: what throughput (object MiB/s and requests/s) does encoding 1 MiB objects reach, at
// which latency, and what fraction of the transport-only baseline (echo-baseline.js with SIZE=1MiB)
// is it? At this size the kernels and the body copies dominate; native memory in use
// (erasure_native_bytes_in_use on /q/metrics) should rise with concurrency and fall back when done.
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e K=10 -e M=4 -e RATE=20 encode-large.js
//       k6 run -e EXECUTOR=constant-vus -e VUS=8 -e DURATION=1m encode-large.js
// Env:  K (10), M (4), CODEC (rs-vandermonde), SIZE (1MiB), VERIFY (1), executor variables.

import { baseUrl, formatBytes, shape as readShape } from './lib/config.js';
import { requireReady } from './lib/client.js';
import { encodeIteration } from './lib/flows.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const shape = readShape('SIZE', 1048576);

export const options = buildOptions([{ name: 'encode_large', exec: 'default', p95: 300, p99: 600 }], 20);

export function setup() {
  requireReady(baseUrl());
  return { shape: shape };
}

export default function () {
  encodeIteration('encode_large', shape);
}

export const handleSummary = summaryWriter(`encode-${shape.k}x${shape.m}-${formatBytes(shape.size)}`);
