// Test shape and target, read once from environment variables.
//
// k6 exposes `-e NAME=value` options and (by default) the process environment as __ENV.
// Every value is validated here, at the edge, with a message that names the variable, the rule
// and the value, so a typo fails the run before the first request instead of skewing it.

/** Parses "4096", "4KiB", "1MiB", "64k", "2M" into a byte count (binary units). */
export function parseBytes(text) {
  const match = /^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib)?\s*$/i.exec(String(text));
  if (!match) {
    throw new Error(`size must look like 4096, 4KiB or 1MiB (got "${text}")`);
  }
  const units = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1048576, mb: 1048576, mib: 1048576 };
  return parseInt(match[1], 10) * units[(match[2] || 'b').toLowerCase()];
}

/** Formats a byte count the way the scripts name their shapes: 4KiB, 1MiB, 1000B. */
export function formatBytes(bytes) {
  if (bytes % 1048576 === 0) return `${bytes / 1048576}MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

function raw(name) {
  const value = __ENV[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A string variable with a default. */
export function envString(name, fallback) {
  const value = raw(name);
  return value === undefined ? fallback : value;
}

/** A positive integer variable with a default. */
export function envInt(name, fallback) {
  const value = raw(name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || parseInt(value, 10) < 1) {
    throw new Error(`${name} must be a positive integer (got "${value}")`);
  }
  return parseInt(value, 10);
}

/** A byte-size variable (see parseBytes) with a default. */
export function envBytes(name, fallback) {
  const value = raw(name);
  const bytes = value === undefined ? fallback : parseBytes(value);
  if (bytes < 1) throw new Error(`${name} must be >= 1 byte (got "${value}")`);
  return bytes;
}

/** Target base URL without a trailing slash. BASE_URL, default http://localhost:8080. */
export function baseUrl() {
  const url = envString('BASE_URL', 'http://localhost:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new Error(`BASE_URL must be an http(s) URL such as http://localhost:8080 (got "${url}")`);
  }
  return url;
}

const CODECS = ['rs-vandermonde', 'rs-cauchy', 'zfec', 'isal-rs', 'jerasure-reed-sol-van'];

/**
 * The coding shape: K data shards, M parity shards, CODEC, and the object size in bytes
 * (the variable named by sizeVariable, SIZE unless a script has several sizes).
 */
export function shape(sizeVariable, defaultSize) {
  const k = envInt('K', 10);
  const m = envInt('M', 4);
  if (k + m > 256) throw new Error(`K + M must be <= 256 (got ${k + m})`);
  const codec = envString('CODEC', 'rs-vandermonde');
  if (CODECS.indexOf(codec) < 0) {
    throw new Error(`CODEC must be one of ${CODECS.join(', ')} (got "${codec}")`);
  }
  const size = envBytes(sizeVariable || 'SIZE', defaultSize);
  return { k: k, m: m, codec: codec, size: size, shardSize: Math.ceil(size / k) };
}

/** Whether responses are checked byte by byte (VERIFY=1, the default) or by status only (VERIFY=0). */
export function verifyBodies() {
  const value = envString('VERIFY', '1');
  if (value !== '0' && value !== '1') throw new Error(`VERIFY must be 0 or 1 (got "${value}")`);
  return value === '1';
}
