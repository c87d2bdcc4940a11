// Checks the k6 scripts without k6 (which is not installable on the build machines):
//  1. every *.js file under the load-tests folder parses as an ES module;
//  2. it imports only k6 modules (with names those modules really export) or relative files
//     inside the folder, and never uses require() or dynamic import();
//  3. every top-level script opens with "// Question:" and a "Run:  k6 run" line, and, once
//     evaluated against stand-ins of the k6 modules under both executors, exports `options`
//     whose scenarios run exported functions, thresholds on http_req_failed (< 0.1 %), p95 and
//     p99 of every scenario, plus `setup` and `handleSummary` functions.
//
// Usage: node --experimental-vm-modules tools/check-k6-scripts.mjs <load-tests dir> [file.js ...]
//        node --experimental-vm-modules tools/check-k6-scripts.mjs <load-tests dir> --selftest
//        (evaluates tools/lib-selftest.mjs, the self-test of lib/, against the same stand-ins)
// Prints "ok <file>" or "FAIL <file>: <reason>" per file and "checked N files, F failed"; exits 1
// when any file fails. Zero dependencies: node's vm.SourceTextModule does the parsing and linking.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import nodeCrypto from 'node:crypto';

/** The k6 modules a script may import and the export names each one has (k6 v0.5x/v1.x). */
const K6_MODULES = {
  'k6': ['check', 'fail', 'group', 'randomSeed', 'sleep'],
  'k6/http': ['asyncRequest', 'batch', 'cookieJar', 'CookieJar', 'del', 'expectedStatuses', 'file', 'get',
    'head', 'options', 'patch', 'post', 'put', 'request', 'setResponseCallback', 'url'],
  'k6/metrics': ['Counter', 'Gauge', 'Rate', 'Trend'],
  'k6/data': ['SharedArray'],
  'k6/encoding': ['b64decode', 'b64encode'],
  'k6/crypto': ['createHash', 'createHMAC', 'hmac', 'md4', 'md5', 'randomBytes', 'ripemd160', 'sha1',
    'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256'],
  'k6/execution': [],
};

class Metric { constructor(name) { this.name = name; } add() {} }
const toBuffer = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
/** Stand-ins used only while evaluating the init code of a script; no request is ever sent. */
const STUBS = {
  'k6': { check: () => true, fail: (m) => { throw new Error(m); }, group: (n, f) => f(), randomSeed() {}, sleep() {} },
  'k6/http': { file: (data, name, type) => ({ data, name, type }) },
  'k6/metrics': { Counter: Metric, Gauge: Metric, Rate: Metric, Trend: Metric },
  'k6/data': { SharedArray: class { constructor(n, f) { return f(); } } },
  'k6/encoding': {
    b64encode: (b) => Buffer.from(b).toString('base64'),
    b64decode: (s) => toBuffer(Buffer.from(s, 'base64')),
  },
  'k6/crypto': {
    randomBytes: (n) => toBuffer(nodeCrypto.randomBytes(n)),
    sha256: (b, enc) => nodeCrypto.createHash('sha256').update(Buffer.from(b)).digest(enc),
  },
  'k6/execution': {},
};

function syntheticK6(specifier, context) {
  const names = ['default'].concat(K6_MODULES[specifier]);
  const stub = STUBS[specifier] || {};
  return new vm.SyntheticModule(names, function init() {
    names.forEach((name) => this.setExport(name, name === 'default' ? stub : (stub[name] || (() => {}))));
  }, { identifier: specifier, context });
}

function staticChecks(file, source, root) {
  if (/\brequire\s*\(/.test(source)) throw new Error('uses require(); k6 scripts are ES modules');
  if (/\bimport\s*\(/.test(source)) throw new Error('uses dynamic import(); k6 resolves imports statically');
  const isScript = path.dirname(file) === root;
  if (isScript && !/^\/\/ Question: /.test(source)) throw new Error('does not open with "// Question: ..."');
  if (isScript && !/^\/\/ Run: +k6 run /m.test(source)) throw new Error('has no "// Run:  k6 run ..." line');
}

async function loadGraph(file, root, env) {
  const context = vm.createContext({ __ENV: env, console });
  const cache = new Map();
  const load = (target) => {
    if (!cache.has(target)) {
      const source = fs.readFileSync(target, 'utf8');
      staticChecks(target, source, root);
      cache.set(target, new vm.SourceTextModule(source, { identifier: target, context }));
    }
    return cache.get(target);
  };
  const linker = (specifier, referencing) => {
    if (Object.hasOwn(K6_MODULES, specifier)) return syntheticK6(specifier, context);
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const target = path.resolve(path.dirname(referencing.identifier), specifier);
      if (!target.startsWith(root + path.sep) || !fs.existsSync(target)) {
        throw new Error(`imports ${specifier}, which is not a file inside ${root}`);
      }
      return load(target);
    }
    throw new Error(`imports "${specifier}": only ${Object.keys(K6_MODULES).join(', ')} and relative ./lib files are allowed`);
  };
  const module = load(file);
  await module.link(linker);
  return module;
}

function checkOptions(ns, executor) {
  const options = ns.options;
  if (!options || !options.scenarios) throw new Error(`${executor}: exports no options.scenarios`);
  for (const name of ['setup', 'handleSummary']) {
    if (typeof ns[name] !== 'function') throw new Error(`exports no ${name}() function`);
  }
  const thresholds = options.thresholds || {};
  if (!(thresholds.http_req_failed || []).includes('rate<0.001')) {
    throw new Error(`${executor}: no threshold http_req_failed rate<0.001`);
  }
  for (const [name, scenario] of Object.entries(options.scenarios)) {
    if (scenario.executor !== executor) throw new Error(`scenario ${name} uses ${scenario.executor}, EXECUTOR=${executor}`);
    if (typeof ns[scenario.exec || 'default'] !== 'function') {
      throw new Error(`scenario ${name} runs ${scenario.exec}, which the script does not export as a function`);
    }
    const latency = (thresholds[`http_req_duration{scenario:${name}}`] || []).join(' ');
    if (!/p\(95\)</.test(latency) || !/p\(99\)</.test(latency)) {
      throw new Error(`scenario ${name} has no p95 and p99 thresholds`);
    }
  }
}

async function checkFile(file, root) {
  const isScript = path.dirname(file) === root;
  for (const executor of isScript ? ['ramping-arrival-rate', 'constant-vus'] : ['ramping-arrival-rate']) {
    const module = await loadGraph(file, root, { EXECUTOR: executor });
    if (!isScript) return;
    await module.evaluate();
    checkOptions(module.namespace, executor);
  }
}

function listScripts(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'results', 'samples', 'tools', 'runner'].includes(entry.name) ? [] : listScripts(full);
    return entry.name.endsWith('.js') ? [full] : [];
  }).sort();
}

const root = path.resolve(process.argv[2] || '.');
if (process.argv[3] === '--selftest') {
  const module = await loadGraph(path.join(root, 'tools', 'lib-selftest.mjs'), root, {});
  await module.evaluate();
  console.log('selftest passed');
  process.exit(0);
}
const files = process.argv.length > 3 ? process.argv.slice(3).map((f) => path.resolve(f)) : listScripts(root);
let failed = 0;
for (const file of files) {
  try {
    await checkFile(file, root);
    console.log(`ok ${path.relative(root, file)}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${path.relative(root, file)}: ${error.message}`);
  }
}
console.log(`checked ${files.length} files, ${failed} failed`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
