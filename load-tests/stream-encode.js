// Question: how many object bytes per second does one client (or a few) move through the streamed
// endpoint POST /v1/stripes/encode with 1 GiB objects, coded stripe by stripe while they arrive,
// and does the service stay within its memory bound (erasure_native_bytes_in_use on /q/metrics
// never above streams x depth x (k+m) x cell)? Compare with encode-large.js sending the same bytes
// as 1 MiB objects.
//
// Run:  k6 run -e BASE_URL=http://localhost:8080 -e EXECUTOR=constant-vus -e VUS=1 -e DURATION=2m stream-encode.js
//       k6 run -e BASE_URL=http://localhost:8080 -e RATE=1 -e HOLD=2m stream-encode.js
// Env:  K (10), M (4), CODEC (rs-vandermonde), SIZE (1GiB), CELL (1MiB), VERIFY (1), executor variables.
//       k6 cannot stream a generated body, so each VU holds its object (SIZE bytes) in memory; the
//       service does not. VERIFY=1 reads the response and checks its final JSON part when SIZE is at
//       most 64MiB; larger responses are discarded as they arrive (status and Content-Type checked).

import http from 'k6/http';
import { check } from 'k6';
import crypto from 'k6/crypto';
import { Counter } from 'k6/metrics';
import { asciiText } from './lib/bytes.js';
import { baseUrl, envBytes, formatBytes, shape as readShape, verifyBodies } from './lib/config.js';
import { requireReady } from './lib/client.js';
import { buildOptions } from './lib/scenarios.js';
import { summaryWriter } from './lib/summary.js';

const shape = readShape('SIZE', 1073741824);
const cell = envBytes('CELL', 1048576);
const BASE_URL = baseUrl();
const KEEP_BODY = verifyBodies() && shape.size <= 67108864;
const objectBytes = new Counter('object_bytes');

export const options = buildOptions([{ name: 'stream_encode', exec: 'default', p95: 60000, p99: 120000 }], 1);

let object = null;

/** The VU's object: a random MiB repeated (filling SIZE bytes with fresh random bytes would take longer than the run). */
function vuObject() {
  if (object === null) {
    const block = new Uint8Array(crypto.randomBytes(Math.min(shape.size, 1048576)));
    const bytes = new Uint8Array(shape.size);
    for (let offset = 0; offset < shape.size; offset += block.length) {
      bytes.set(block.subarray(0, Math.min(block.length, shape.size - offset)), offset);
    }
    object = bytes.buffer;
  }
  return object;
}

/** The final JSON part of a streamed encode response, parsed; null when it is not there. */
function summaryPart(body) {
  const bytes = new Uint8Array(body);
  const tail = asciiText(bytes, Math.max(0, bytes.length - 4096), bytes.length);
  const marker = 'Content-Type: application/json\r\n\r\n';
  const at = tail.lastIndexOf(marker);
  if (at < 0) return null;
  const json = tail.slice(at + marker.length, tail.indexOf('\r\n--', at + marker.length));
  return JSON.parse(json);
}

export function setup() {
  requireReady(BASE_URL);
  return { shape: shape, cell: cell };
}

export default function () {
  const query = `k=${shape.k}&m=${shape.m}&codec=${shape.codec}&cell=${cell}`;
  const response = http.post(`${BASE_URL}/v1/stripes/encode?${query}`, vuObject(), {
    headers: { 'Content-Type': 'application/octet-stream' },
    tags: { name: 'stream_encode' },
    responseType: KEEP_BODY ? 'binary' : 'none',
    timeout: '10m',
  });
  const stripes = Math.ceil(shape.size / (shape.k * cell));
  const ok = check(response, {
    'stream_encode: status 200': (r) => r.status === 200,
    'stream_encode: multipart/mixed': (r) => (r.headers['Content-Type'] || '').indexOf('multipart/mixed') === 0,
    'stream_encode: final part has the size, the stripes and k+m shard CRCs': (r) => {
      if (!KEEP_BODY) return true;
      const summary = r.status === 200 && r.body ? summaryPart(r.body) : null;
      return summary !== null && summary.objectSize === shape.size && summary.stripes === stripes
        && summary.shardCrc32c.length === shape.k + shape.m;
    },
  });
  if (ok) objectBytes.add(shape.size);
}

export const handleSummary = summaryWriter(`stream-encode-${shape.k}x${shape.m}-${formatBytes(shape.size)}`);
