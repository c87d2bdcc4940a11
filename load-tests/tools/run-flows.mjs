// Runs a k6 script's flows a few times against a live service WITHOUT k6 (which cannot be
// installed on the build machines): the script is evaluated in node with stand-ins of the k6
// modules whose k6/http sends real requests through curl. setup() runs first (so it fails fast on
// a dead service), then each scenario's exec function runs ITERATIONS times, and the k6 checks are
// tallied. A smoke test of the scripts' logic and of the service's answers — not a load test: one
// request at a time, no timing.
//
// Usage: BASE_URL=http://127.0.0.1:8080 node --experimental-vm-modules tools/run-flows.mjs decode-erasures.js [ITERATIONS]
// Environment variables are the script's own (k6 also reads the process environment).
// Prints one line per check ("ok 12/12 decode: body is the original object") and exits 1 when a
// check failed, no check ran, or setup() threw.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadGraph, toScriptBuffer } from './k6-stand-ins.mjs';

const tally = new Map();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'k6-flows-'));
let fileCount = 0;

function scratchFile(bytes) {
  const file = path.join(scratch, `part-${fileCount++}`);
  fs.writeFileSync(file, Buffer.from(bytes));
  return file;
}

function canonical(name) {
  return name.toLowerCase().split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-');
}

function lastHeaderBlock(raw) {
  const blocks = raw.split(/\r\n\r\n/).filter((block) => block.startsWith('HTTP/'));
  const headers = {};
  (blocks[blocks.length - 1] || '').split('\r\n').slice(1).forEach((line) => {
    const colon = line.indexOf(':');
    if (colon > 0) headers[canonical(line.slice(0, colon).trim())] = line.slice(colon + 1).trim();
  });
  return headers;
}

function curlRequest(context, method, url, body, params) {
  const args = ['-s', '-X', method, '--max-time', '60', '-o', path.join(scratch, 'body'),
    '-D', path.join(scratch, 'headers'), '-w', '%{http_code}', '-H', 'Expect:'];
  const headers = (params && params.headers) || {};
  Object.keys(headers).forEach((name) => args.push('-H', `${name}: ${headers[name]}`));
  if (body !== null && body !== undefined) {
    if (typeof body === 'string' || body instanceof ArrayBuffer || Object.prototype.toString.call(body) === '[object ArrayBuffer]') {
      args.push('--data-binary', `@${scratchFile(typeof body === 'string' ? Buffer.from(body) : new Uint8Array(body))}`);
    } else {
      Object.keys(body).forEach((name) => {
        const part = body[name];
        args.push('-F', `${name}=@${scratchFile(new Uint8Array(part.data))};filename=${part.name};type=${part.type}`);
      });
    }
  }
  const done = spawnSync('curl', args.concat([url]), { encoding: 'utf8' });
  const status = done.status === 0 ? parseInt(done.stdout, 10) : 0;
  const raw = status ? fs.readFileSync(path.join(scratch, 'body')) : Buffer.alloc(0);
  const binary = params && params.responseType === 'binary';
  return {
    status: status,
    error: status ? '' : `curl failed: ${done.stderr || done.status}`,
    headers: status ? lastHeaderBlock(fs.readFileSync(path.join(scratch, 'headers'), 'latin1')) : {},
    body: binary ? toScriptBuffer(raw, context) : raw.toString('utf8'),
    json() { return JSON.parse(raw.toString('utf8')); },
  };
}

function check(value, sets) {
  let all = true;
  Object.keys(sets).forEach((name) => {
    let ok;
    try {
      ok = Boolean(sets[name](value));
    } catch (error) {
      ok = false;
      console.log(`  check "${name}" threw: ${error.message}`);
    }
    const entry = tally.get(name) || { passes: 0, fails: 0 };
    entry[ok ? 'passes' : 'fails']++;
    tally.set(name, entry);
    all = all && ok;
  });
  return all;
}

const script = path.resolve(process.argv[2] || '');
const iterations = parseInt(process.argv[3] || '5', 10);
const module = await loadGraph(script, path.dirname(script), { ...process.env }, (context) => ({
  'k6': { check },
  'k6/http': {
    get: (url, params) => curlRequest(context, 'GET', url, null, params),
    post: (url, body, params) => curlRequest(context, 'POST', url, body, params),
  },
}));
await module.evaluate();
const ns = module.namespace;
const data = JSON.parse(JSON.stringify(ns.setup ? (ns.setup() || null) : null));
for (const [name, scenario] of Object.entries(ns.options.scenarios)) {
  for (let i = 0; i < iterations; i++) ns[scenario.exec || 'default'](data);
  console.log(`ran scenario ${name} (${scenario.exec || 'default'}) ${iterations} times`);
}
let failed = tally.size === 0;
for (const [name, entry] of tally) {
  failed = failed || entry.fails > 0;
  console.log(`${entry.fails ? 'FAIL' : 'ok'} ${entry.passes}/${entry.passes + entry.fails} ${name}`);
}
fs.rmSync(scratch, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
