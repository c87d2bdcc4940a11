// Self-test of the pure helpers in lib/ (run by tools/check-k6-scripts.mjs --selftest, which
// evaluates it against stand-ins of the k6 modules). Throws on the first wrong answer.

import { dataShards, concat, sha256 } from '../lib/bytes.js';
import { parseBytes, formatBytes } from '../lib/config.js';
import { buildMixed, parseMixed, pickErasures } from '../lib/shardset.js';

function expect(condition, message) {
  if (!condition) throw new Error(`selftest: ${message}`);
  console.log(`pass ${message}`);
}

expect(parseBytes('4KiB') === 4096 && parseBytes('1MiB') === 1048576 && parseBytes('1000') === 1000,
  'parseBytes reads 4KiB, 1MiB and plain byte counts');
let rejected = false;
try { parseBytes('4 GB?'); } catch (e) { rejected = /got "4 GB\?"/.test(e.message); }
expect(rejected, 'parseBytes rejects garbage and names the value');
expect(formatBytes(4096) === '4KiB' && formatBytes(1048576) === '1MiB' && formatBytes(1000) === '1000B',
  'formatBytes names shapes');

const object = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).buffer;
const split = dataShards(object, 4).map((shard) => Array.from(new Uint8Array(shard)).join(','));
expect(split.join('|') === '1,2,3|4,5,6|7,8,9|10,0,0', 'dataShards splits 10 bytes into 4 shards of 3, zero-padded');
expect(concat([new Uint8Array([1]), new Uint8Array([2, 3]).buffer]).byteLength === 3, 'concat joins views and buffers');

// Shard bodies that contain CRLF, dashes and a fake delimiter must survive build + parse.
const tricky = [13, 10, 45, 45, 115, 104, 97, 114, 100, 115, 13, 10, 13, 10, 0, 255];
const shards = [0, 2, 5].map((index) => ({
  index: index, crc32c: '0000000' + index, bytes: new Uint8Array(tricky.concat([index])).buffer,
}));
const built = buildMixed(shards);
const parts = parseMixed(built.body, built.contentType);
expect(parts.length === 3 && parts.map((p) => p.index).join(',') === '0,2,5', 'parseMixed finds every part and its Shard-Index');
expect(parts.every((p, i) => sha256(p.bytes) === sha256(shards[i].bytes)), 'parseMixed returns part bodies byte for byte');
expect(parts[1].headers['shard-crc32c'] === '00000002', 'parseMixed exposes headers with lowercase names');

const quoted = 'multipart/mixed; boundary="b1"';
const raw = '--b1\r\nShard-Index: 7\r\n\r\nabc\r\n--b1--\r\n';
const rawBytes = new Uint8Array(raw.length);
for (let i = 0; i < raw.length; i++) rawBytes[i] = raw.charCodeAt(i);
const single = parseMixed(rawBytes.buffer, quoted);
expect(single.length === 1 && single[0].index === 7 && single[0].bytes.byteLength === 3, 'parseMixed reads a quoted boundary');

let malformed = false;
try { parseMixed(rawBytes.buffer.slice(0, 20), quoted); } catch (e) { malformed = true; }
expect(malformed, 'parseMixed rejects a body cut before its closing delimiter');

for (let round = 0; round < 200; round++) {
  const picked = pickErasures(14, 4);
  const distinct = picked.every((value, i) => value >= 0 && value < 14 && (i === 0 || value > picked[i - 1]));
  if (picked.length !== 4 || !distinct) expect(false, `pickErasures(14, 4) gave ${picked}`);
}
expect(true, 'pickErasures gives distinct ascending indexes in range');
