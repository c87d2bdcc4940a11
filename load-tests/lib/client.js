// HTTP calls of the Erasure Service contract (docs/api.md), one function per endpoint.
// Every request carries a `name` tag (the flow), so URLs with query strings do not explode the
// metric series, and binary bodies come back as ArrayBuffer.

import http from 'k6/http';
import { check } from 'k6';
import { verifyBodies } from './config.js';

/** @import { Params, ResponseType } from 'k6/http' */

/**
 * The shard set of a JSON encode response (docs/api.md, "Shard sets").
 * @typedef {{codec: string, k: number, m: number, shardSize: number, size: number,
 *   shards: {index: number, crc32c: string, data: string}[]}} JsonShardSet
 */

// VERIFY=0: bodies are not kept (responseType 'none'), so the generator spends no CPU on them.
/** @type {ResponseType} */
const RESPONSE_TYPE = verifyBodies() ? 'binary' : 'none';

function codingQuery(shape, extra) {
  let query = `k=${shape.k}&m=${shape.m}&codec=${shape.codec}`;
  Object.keys(extra || {}).forEach((key) => {
    query += `&${key}=${encodeURIComponent(extra[key])}`;
  });
  return query;
}

/** @returns {Params} */
function params(name, contentType, accept) {
  const headers = {};
  if (contentType) headers['Content-Type'] = contentType;
  if (accept) headers.Accept = accept;
  return { headers: headers, tags: { name: name }, responseType: RESPONSE_TYPE, timeout: '60s' };
}

/**
 * Fails the test at once unless GET /q/health/ready answers 200. Call it from setup(): k6 aborts
 * the whole run when setup() throws, so a run against a dead or draining service ends in seconds
 * with this message instead of minutes of connection errors.
 */
export function requireReady(baseUrl) {
  const response = http.get(`${baseUrl}/q/health/ready`, { timeout: '5s', tags: { name: 'ready' } });
  const ready = check(response, { 'service is ready (GET /q/health/ready = 200)': (r) => r.status === 200 });
  if (!ready) {
    throw new Error(`${baseUrl}/q/health/ready answered ${response.status} ${response.error || ''}: `
      + 'start the service or set BASE_URL (e.g. k6 run -e BASE_URL=http://erasure:8080 ...)');
  }
}

/** POST /v1/echo: the transport-only baseline, the body comes back unchanged. */
export function echo(baseUrl, object, name) {
  return http.post(`${baseUrl}/v1/echo`, object, params(name, 'application/octet-stream'));
}

/** POST /v1/encode; `accept` is 'multipart' (multipart/mixed, the default) or 'json'. */
export function encode(baseUrl, shape, object, name, accept) {
  const type = accept === 'json' ? 'application/json' : 'multipart/mixed';
  return http.post(`${baseUrl}/v1/encode?${codingQuery(shape)}`, object,
    params(name, 'application/octet-stream', type));
}

/** POST /v1/decode?size=N with a shard set built by shardset.buildShardSet. */
export function decode(baseUrl, shape, shardSet, name) {
  return http.post(`${baseUrl}/v1/decode?${codingQuery(shape, { size: shape.size })}`, shardSet.body,
    params(name, shardSet.contentType, 'application/octet-stream'));
}

/** POST /v1/reconstruct (default want: every missing shard), multipart/mixed response. */
export function reconstruct(baseUrl, shape, shardSet, name) {
  return http.post(`${baseUrl}/v1/reconstruct?${codingQuery(shape)}`, shardSet.body,
    params(name, shardSet.contentType, 'multipart/mixed'));
}

/**
 * Encodes `object` with Accept: application/json and returns the parsed shard set
 * ({codec, k, m, shardSize, size, shards: [{index, crc32c, data (base64)}]}). For setup():
 * throws when the service does not answer a valid encode.
 * @returns {JsonShardSet}
 */
export function encodeForSetup(baseUrl, shape, object) {
  const request = params('setup_encode', 'application/octet-stream', 'application/json');
  request.responseType = 'text';
  const response = http.post(`${baseUrl}/v1/encode?${codingQuery(shape)}`, object, request);
  if (response.status !== 200) {
    throw new Error(`setup encode ${shape.k}+${shape.m} of ${shape.size} bytes answered ${response.status}: `
      + `${String(response.body || response.error).slice(0, 300)}`);
  }
  const shardSet = /** @type {JsonShardSet} */ (response.json());
  if (!shardSet.shards || shardSet.shards.length !== shape.k + shape.m) {
    throw new Error(`setup encode returned ${shardSet.shards ? shardSet.shards.length : 'no'} shards, `
      + `expected ${shape.k + shape.m}`);
  }
  return shardSet;
}
