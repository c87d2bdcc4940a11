// Question: how fast does the service move request and response bodies when it does no coding at
// all? POST /v1/echo returns the body unchanged, so this is the transport-only baseline that every
// coding figure is divided by. Run it with the same SIZE, executor and load as the script you
// compare it with, against the same deployment, right before or after it.
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e SIZE=4KiB echo-baseline.js
//       k6 run -e BASE_URL=http://localhost:8080 -e SIZE=1MiB -e RATE=20 echo-baseline.js
// Env:  SIZE (4KiB), plus the executor variables of lib/scenarios.js (EXECUTOR, RATE, VUS, ...).

import { baseUrl, envBytes, formatBytes } from './lib/config.js';
import { echoIteration } from './lib/flows.js';
import { requireReady } from './lib/client.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const size = envBytes('SIZE', 4096);
const shape = { size: size };

export const options = buildOptions([{ name: 'echo', exec: 'default', p95: 50, p99: 100 }], 200);

export function setup() {
  requireReady(baseUrl());
  return { size: size };
}

export default function () {
  echoIteration('echo', shape);
}

export const handleSummary = summaryWriter(`echo-baseline-${formatBytes(size)}`);
