// handleSummary for every script: the full k6 summary as JSON (for the report and for diffing
// runs) and a short text table on stdout. SUMMARY_DIR sets the folder (default results/).

import { envString } from './config.js';

function formatTrend(values) {
  const ms = (key) => (values[key] === undefined ? '-' : `${values[key].toFixed(1)}ms`);
  return `p50 ${ms('med')}  p95 ${ms('p(95)')}  p99 ${ms('p(99)')}  max ${ms('max')}`;
}

function thresholdLines(data) {
  const lines = [];
  Object.keys(data.metrics).sort().forEach((metric) => {
    const thresholds = data.metrics[metric].thresholds || {};
    Object.keys(thresholds).forEach((rule) => {
      lines.push(`  ${thresholds[rule].ok ? 'ok  ' : 'FAIL'} ${metric}: ${rule}`);
    });
  });
  return lines;
}

/** A short plain-text summary: request rate, errors, checks, latency per flow, thresholds. */
export function textSummary(name, data) {
  const metric = (key) => (data.metrics[key] ? data.metrics[key].values : {});
  const lines = [`${name}: ${data.state ? Math.round(data.state.testRunDurationMs / 1000) : '?'}s`];
  lines.push(`  requests ${metric('http_reqs').count || 0} (${(metric('http_reqs').rate || 0).toFixed(1)}/s), `
    + `failed ${((metric('http_req_failed').rate || 0) * 100).toFixed(3)}%, `
    + `checks ${((metric('checks').rate || 0) * 100).toFixed(3)}% passed`);
  lines.push(`  object bytes ${((metric('object_bytes').rate || 0) / 1048576).toFixed(1)} MiB/s`);
  Object.keys(data.metrics).sort().forEach((key) => {
    if (key.indexOf('http_req_duration{scenario:') === 0) {
      lines.push(`  ${key.slice(18, -1)}: ${formatTrend(data.metrics[key].values)}`);
    }
  });
  return lines.concat(['thresholds:'], thresholdLines(data)).join('\n') + '\n';
}

/** Returns a handleSummary function writing <SUMMARY_DIR>/<name>-summary.json and the text table. */
export function summaryWriter(name) {
  return function handleSummary(data) {
    const out = {};
    out[`${envString('SUMMARY_DIR', 'results')}/${name}-summary.json`] = JSON.stringify(data, null, 2);
    out.stdout = textSummary(name, data);
    return out;
  };
}
