// Stand-ins of the k6 modules for node, shared by check-k6-scripts.mjs (static and init-code
// checks) and run-flows.mjs (runs the scripts' flows once against a live service, without k6).
// Scripts are parsed and linked with node's vm.SourceTextModule: zero dependencies.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import nodeCrypto from 'node:crypto';

/** The k6 modules a script may import and the export names each one has (k6 v0.5x/v1.x). */
export const K6_MODULES = {
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
/** Copies node bytes into an ArrayBuffer of the script's realm (so instanceof checks hold there). */
export function toScriptBuffer(bytes, context) {
  const buffer = new (vm.runInContext('ArrayBuffer', context))(bytes.length);
  new (vm.runInContext('Uint8Array', context))(buffer).set(bytes);
  return buffer;
}

/**
 * Stand-ins that send no request. `overrides` ({ 'k6/http': {...} }, or a function of the script's
 * vm context returning one) replaces members of them.
 */
function stubs(context, overrides) {
  const toBuffer = (bytes) => toScriptBuffer(bytes, context);
  const base = {
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
  const extra = typeof overrides === 'function' ? overrides(context) : overrides;
  for (const [name, members] of Object.entries(extra || {})) base[name] = { ...base[name], ...members };
  return base;
}

function syntheticK6(specifier, context, all) {
  const names = ['default'].concat(K6_MODULES[specifier]);
  const stub = all[specifier] || {};
  return new vm.SyntheticModule(names, function init() {
    names.forEach((name) => this.setExport(name, name === 'default' ? stub : (stub[name] || (() => {}))));
  }, { identifier: specifier, context });
}

export function staticChecks(file, source, root) {
  if (/\brequire\s*\(/.test(source)) throw new Error('uses require(); k6 scripts are ES modules');
  if (/\bimport\s*\(/.test(source)) throw new Error('uses dynamic import(); k6 resolves imports statically');
  const isScript = path.dirname(file) === root;
  if (isScript && !/^\/\/ Question: /.test(source)) throw new Error('does not open with "// Question: ..."');
  if (isScript && !/^\/\/ Run: +k6 run /m.test(source)) throw new Error('has no "// Run:  k6 run ..." line');
}

/**
 * Parses `file` and every file it imports, links k6 imports to stand-ins (checking each imported
 * name exists in the real module) and returns the linked, not yet evaluated, module.
 */
export async function loadGraph(file, root, env, overrides) {
  const context = vm.createContext({ __ENV: env, console });
  const all = stubs(context, overrides);
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
    if (Object.hasOwn(K6_MODULES, specifier)) return syntheticK6(specifier, context, all);
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
  module.scriptContext = context;
  return module;
}

