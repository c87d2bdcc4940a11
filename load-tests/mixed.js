// Question: does the service hold its latency objectives under a realistic storage mix — many
// small-block writes, some large-object writes, degraded reads and background repair at once —
// and which flow suffers first when the load grows? Each flow is its own k6 scenario, so every
// flow gets its own p95/p99 threshold and its own line in the summary.
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e RATE=100 mixed.js
//       k6 run -e EXECUTOR=constant-vus -e VUS=20 -e DURATION=5m mixed.js
// Env:  K (10), M (4), CODEC, SMALL_SIZE (4KiB), LARGE_SIZE (1MiB), MIX (weights,
//       default encode_small=50,encode_large=15,decode=25,reconstruct=10), ERASURES, SHARD_FORMAT,
//       VERIFY (1), executor variables (RATE and VUS are split between the flows by weight).

import { envString, shape as readShape } from './lib/config.js';
import { decodeIteration, encodeIteration, prepareStripe, reconstructIteration } from './lib/flows.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const small = readShape('SMALL_SIZE', 4096);
const large = readShape('LARGE_SIZE', 1048576);

function weights() {
  const text = envString('MIX', 'encode_small=50,encode_large=15,decode=25,reconstruct=10');
  const result = {};
  text.split(',').forEach((entry) => {
    const match = /^\s*(encode_small|encode_large|decode|reconstruct)\s*=\s*(\d+)\s*$/.exec(entry);
    if (!match) {
      throw new Error(`MIX entries must look like decode=25 with a flow of encode_small, encode_large, `
        + `decode, reconstruct (got "${entry}")`);
    }
    result[match[1]] = parseInt(match[2], 10);
  });
  return result;
}

const mix = weights();
const flows = [
  { name: 'encode_small', exec: 'encodeSmall', p95: 50, p99: 100 },
  { name: 'encode_large', exec: 'encodeLarge', p95: 300, p99: 600 },
  { name: 'decode', exec: 'decode', p95: 300, p99: 600 },
  { name: 'reconstruct', exec: 'reconstruct', p95: 300, p99: 600 },
].filter((flow) => mix[flow.name] > 0).map((flow) => Object.assign(flow, { weight: mix[flow.name] }));

export const options = buildOptions(flows, 100);

export function setup() {
  return prepareStripe(large);
}

export function encodeSmall() {
  encodeIteration('encode_small', small);
}

export function encodeLarge() {
  encodeIteration('encode_large', large);
}

export function decode(stripe) {
  decodeIteration('decode', stripe);
}

export function reconstruct(stripe) {
  reconstructIteration('reconstruct', stripe);
}

export const handleSummary = summaryWriter('mixed');
