// Shard sets on the wire (docs/api.md, "Shard sets"): multipart/mixed build and parse, the JSON form,
// multipart/form-data through k6's http.file, and random erasure patterns.

import http from 'k6/http';
import encoding from 'k6/encoding';
import { ascii, asciiText, concat } from './bytes.js';
import { envString } from './config.js';

const CRLF = ascii('\r\n');
const FORMATS = ['mixed', 'json', 'form'];

/** The request format for shard sets: SHARD_FORMAT=mixed (default) | json | form. */
export function requestFormat() {
  const format = envString('SHARD_FORMAT', 'mixed');
  if (FORMATS.indexOf(format) < 0) {
    throw new Error(`SHARD_FORMAT must be one of ${FORMATS.join(', ')} (got "${format}")`);
  }
  return format;
}

/**
 * `count` distinct random shard indexes out of `totalShards`, ascending. These are the shards
 * the request leaves out (the erasures).
 */
export function pickErasures(totalShards, count) {
  const indexes = [];
  for (let i = 0; i < totalShards; i++) indexes.push(i);
  for (let i = totalShards - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const swap = indexes[i];
    indexes[i] = indexes[j];
    indexes[j] = swap;
  }
  return indexes.slice(0, count).sort((a, b) => a - b);
}

/** How many shards to lose: ERASURES=<n> fixed, or random (default) uniform in 1..m. */
export function erasureCount(parityShards) {
  const value = envString('ERASURES', 'random');
  if (value === 'random') return 1 + Math.floor(Math.random() * parityShards);
  const count = parseInt(value, 10);
  if (!/^\d+$/.test(value) || count > parityShards) {
    throw new Error(`ERASURES must be "random" or an integer in 0..M=${parityShards} (got "${value}")`);
  }
  return count;
}

/** A multipart/mixed body: one part per shard with Shard-Index and Shard-CRC32C headers. */
export function buildMixed(shards) {
  const boundary = `shards-${Math.random().toString(16).slice(2)}`;
  const parts = [];
  shards.forEach((shard) => {
    parts.push(ascii(`--${boundary}\r\nContent-Type: application/octet-stream\r\n`
      + `Shard-Index: ${shard.index}\r\nShard-CRC32C: ${shard.crc32c}\r\n\r\n`));
    parts.push(shard.bytes);
    parts.push(CRLF);
  });
  parts.push(ascii(`--${boundary}--\r\n`));
  return { body: concat(parts), contentType: `multipart/mixed; boundary=${boundary}` };
}

/** A shard set as multipart/form-data (part names shard-<i>), the shape `curl -F` sends. */
export function buildForm(shards) {
  const body = {};
  shards.forEach((shard) => {
    body[`shard-${shard.index}`] = http.file(shard.bytes, `shard-${shard.index}`, 'application/octet-stream');
  });
  return { body: body, contentType: null };
}

/** A shard set in the JSON form; `meta` carries codec, k, m, shardSize and size. */
export function buildJson(meta, shards) {
  const body = {
    codec: meta.codec, k: meta.k, m: meta.m, shardSize: meta.shardSize, size: meta.size,
    shards: shards.map((shard) => ({ index: shard.index, crc32c: shard.crc32c, data: shard.base64 })),
  };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/** Decodes the shards of a JSON shard set into { index, crc32c, base64, bytes }. */
export function shardsFromJson(shardSet) {
  return shardSet.shards.map((shard) => ({
    index: shard.index,
    crc32c: shard.crc32c,
    base64: shard.data,
    bytes: encoding.b64decode(shard.data, 'std'),
  }));
}

/** Builds a shard-set request body in the format SHARD_FORMAT selects. */
export function buildShardSet(format, meta, shards) {
  if (format === 'json') return buildJson(meta, shards);
  if (format === 'form') return buildForm(shards);
  return buildMixed(shards);
}

function indexOfBytes(haystack, needle, from) {
  let at = haystack.indexOf(needle[0], from);
  while (at >= 0 && at + needle.length <= haystack.length) {
    let i = 1;
    while (i < needle.length && haystack[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
    at = haystack.indexOf(needle[0], at + 1);
  }
  return -1;
}

function boundaryOf(contentType) {
  const match = /boundary="?([^";]+)"?/i.exec(contentType || '');
  if (!match) throw new Error(`multipart response without a boundary (Content-Type: ${contentType})`);
  return match[1];
}

function parseHeaders(text) {
  const headers = {};
  text.split('\r\n').forEach((line) => {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  });
  return headers;
}

/**
 * Parses a multipart/mixed body (ArrayBuffer) into parts { headers (lowercase names), index
 * (from Shard-Index, or -1), bytes (ArrayBuffer copy of the part body) }. Throws on a body that
 * is not well-formed multipart.
 */
export function parseMixed(body, contentType) {
  const bytes = new Uint8Array(body);
  const delimiter = ascii(`\r\n--${boundaryOf(contentType)}`);
  const headerEnd = ascii('\r\n\r\n');
  // The first delimiter may sit at the very start (without the leading CRLF).
  let at = indexOfBytes(bytes, delimiter.subarray(2), 0);
  const parts = [];
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length - (parts.length === 0 ? 2 : 0);
    if (bytes[afterDelimiter] === 45 && bytes[afterDelimiter + 1] === 45) return parts; // "--"
    const headersEnd = indexOfBytes(bytes, headerEnd, afterDelimiter);
    if (headersEnd < 0) throw new Error('multipart part without the blank line after its headers');
    const headers = parseHeaders(asciiText(bytes, afterDelimiter + 2, headersEnd));
    const bodyStart = headersEnd + 4;
    const next = indexOfBytes(bytes, delimiter, bodyStart);
    if (next < 0) throw new Error('multipart body without its closing delimiter');
    const index = headers['shard-index'] === undefined ? -1 : parseInt(headers['shard-index'], 10);
    parts.push({ headers: headers, index: index, bytes: body.slice(bodyStart, next) });
    at = next;
  }
  throw new Error('multipart body without a delimiter');
}
