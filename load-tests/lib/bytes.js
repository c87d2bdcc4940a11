// Byte helpers over ArrayBuffer: random objects, hashes, the contract's shard split.
//
// k6 has no TextEncoder or Buffer; everything here uses ArrayBuffer/Uint8Array and the native
// hashing of k6/crypto, so the checks stay cheap next to the HTTP work they verify.

import crypto from 'k6/crypto';

/** A fresh random object of `size` bytes (ArrayBuffer). */
export function randomObject(size) {
  return crypto.randomBytes(size);
}

/** Lowercase hex SHA-256 of an ArrayBuffer. */
export function sha256(buffer) {
  return crypto.sha256(buffer, 'hex');
}

/** ASCII text as bytes (headers and multipart delimiters are ASCII). */
export function ascii(text) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** Bytes [start, end) of a Uint8Array as ASCII text. */
export function asciiText(bytes, start, end) {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/** Concatenates Uint8Arrays/ArrayBuffers into one new ArrayBuffer. */
export function concat(parts) {
  const views = parts.map((part) => (part instanceof Uint8Array ? part : new Uint8Array(part)));
  const total = views.reduce((sum, view) => sum + view.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  views.forEach((view) => {
    out.set(view, offset);
    offset += view.length;
  });
  return out.buffer;
}

/**
 * The k data shards of an object as the contract splits it (klauspost Split): shardSize =
 * ceil(size / k), shard i holds bytes [i*shardSize, (i+1)*shardSize), the tail zero-padded.
 */
export function dataShards(object, dataShardCount) {
  const bytes = new Uint8Array(object);
  const shardSize = Math.ceil(bytes.length / dataShardCount);
  const shards = [];
  for (let i = 0; i < dataShardCount; i++) {
    const shard = new Uint8Array(shardSize);
    const start = Math.min(i * shardSize, bytes.length);
    shard.set(bytes.subarray(start, Math.min(start + shardSize, bytes.length)));
    shards.push(shard.buffer);
  }
  return shards;
}
