// One iteration of each flow (echo, encode, decode with erasures, reconstruct) with its
// correctness checks, plus the setup() helper that prepares a stripe to decode.
//
// Checks compare bytes, not just status codes: an encode must return k+m shards whose data
// shards are the object's split, a decode must return exactly the original object, and a
// reconstruct must return exactly the shards that were left out. VERIFY=0 keeps the status
// checks only (for when the load generator, not the service, becomes the bottleneck).

import { check } from 'k6';
import { Counter } from 'k6/metrics';
import encoding from 'k6/encoding';
import { dataShards, randomObject, sha256 } from './bytes.js';
import { baseUrl, verifyBodies } from './config.js';
import * as client from './client.js';
import { buildShardSet, erasureCount, parseMixed, pickErasures, requestFormat, shardsFromJson } from './shardset.js';

/** Object bytes handled by successful requests (input of encode/echo, output of decode). */
export const objectBytes = new Counter('object_bytes');
/** Shards left out of decode and reconstruct requests. */
export const erasedShards = new Counter('erased_shards');

const VERIFY = verifyBodies();
const BASE_URL = baseUrl();
const perVu = {}; // per-VU state (each VU has its own JS runtime), keyed by flow name

function objectState(name, shape) {
  if (!perVu[name]) {
    const object = randomObject(shape.size);
    perVu[name] = {
      object: object,
      objectHash: sha256(object),
      dataShardHashes: dataShards(object, shape.k).map(sha256),
    };
  }
  return perVu[name];
}

/** setup() helper: fails fast unless ready, encodes a random object, returns what decode flows need. */
export function prepareStripe(shape) {
  client.requireReady(BASE_URL);
  const object = randomObject(shape.size);
  const shardSet = client.encodeForSetup(BASE_URL, shape, object);
  const shardHashes = shardSet.shards.map((shard) => sha256(encoding.b64decode(shard.data, 'std')));
  const expected = dataShards(object, shape.k).map(sha256);
  for (let i = 0; i < shape.k; i++) {
    if (shardHashes[i] !== expected[i]) {
      throw new Error(`setup encode: data shard ${i} is not bytes [${i}*shardSize, ...) of the object`);
    }
  }
  return { shape: shape, objectHash: sha256(object), shardSet: shardSet, shardHashes: shardHashes };
}

/** A check body that counts a malformed response (parse error) as a failed check, not an aborted iteration. */
function safely(predicate) {
  return (response) => {
    try {
      return predicate(response);
    } catch (error) {
      console.warn(`check failed on a malformed response (status ${response.status}): ${error.message}`);
      return false;
    }
  };
}

function encodedShardsMatch(response, shape, state) {
  const parts = parseMixed(response.body, response.headers['Content-Type']);
  if (parts.length !== shape.k + shape.m) return false;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].index !== i || parts[i].bytes.byteLength !== shape.shardSize) return false;
    if (i < shape.k && sha256(parts[i].bytes) !== state.dataShardHashes[i]) return false;
  }
  return true;
}

/** POST /v1/echo of a per-VU random object; the body must come back unchanged. */
export function echoIteration(name, shape) {
  const state = objectState(name, shape);
  const response = client.echo(BASE_URL, state.object, name);
  const ok = check(response, {
    'echo: status 200': (r) => r.status === 200,
    'echo: body is the object': (r) => !VERIFY || (r.body !== null && sha256(r.body) === state.objectHash),
  });
  if (ok) objectBytes.add(shape.size);
}

/** POST /v1/encode of a per-VU random object; data shards must be the object's split. */
export function encodeIteration(name, shape) {
  const state = objectState(name, shape);
  const response = client.encode(BASE_URL, shape, state.object, name, 'multipart');
  const ok = check(response, {
    'encode: status 200': (r) => r.status === 200,
    'encode: k+m shards, data shards equal the object': safely((r) => !VERIFY
      || (r.status === 200 && encodedShardsMatch(r, shape, state))),
  });
  if (ok) objectBytes.add(shape.size);
}

function stripeState(name, stripe) {
  if (!perVu[name]) perVu[name] = { shards: shardsFromJson(stripe.shardSet), format: requestFormat() };
  return perVu[name];
}

function survivors(state, erasures) {
  return state.shards.filter((shard) => erasures.indexOf(shard.index) < 0);
}

/** POST /v1/decode with up to m random shards left out; the body must be the original object. */
export function decodeIteration(name, stripe) {
  const shape = stripe.shape;
  const state = stripeState(name, stripe);
  const erasures = pickErasures(shape.k + shape.m, erasureCount(shape.m));
  const shardSet = buildShardSet(state.format, stripe.shardSet, survivors(state, erasures));
  const response = client.decode(BASE_URL, shape, shardSet, name);
  const ok = check(response, {
    'decode: status 200': (r) => r.status === 200,
    'decode: body is the original object': (r) => !VERIFY
      || (r.status === 200 && /** @type {ArrayBuffer} */ (r.body).byteLength === shape.size && sha256(r.body) === stripe.objectHash),
  });
  erasedShards.add(erasures.length);
  if (ok) objectBytes.add(shape.size);
}

/** POST /v1/reconstruct with 1..m random shards left out; the answer must be exactly those shards. */
export function reconstructIteration(name, stripe) {
  const shape = stripe.shape;
  const state = stripeState(name, stripe);
  const erasures = pickErasures(shape.k + shape.m, Math.max(1, erasureCount(shape.m)));
  const shardSet = buildShardSet(state.format, stripe.shardSet, survivors(state, erasures));
  const response = client.reconstruct(BASE_URL, shape, shardSet, name);
  const ok = check(response, {
    'reconstruct: status 200': (r) => r.status === 200,
    'reconstruct: returns exactly the lost shards': safely((r) => {
      if (!VERIFY) return true;
      if (r.status !== 200) return false;
      const parts = parseMixed(r.body, r.headers['Content-Type']);
      return parts.length === erasures.length && parts.every((part, i) => part.index === erasures[i]
        && sha256(part.bytes) === stripe.shardHashes[part.index]);
    }),
  });
  erasedShards.add(erasures.length);
  if (ok) objectBytes.add(erasures.length * shape.shardSize);
}
