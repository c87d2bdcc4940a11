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
import { loadGraph } from './k6-stand-ins.mjs';

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
