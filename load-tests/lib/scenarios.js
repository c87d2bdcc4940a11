// k6 options shared by every script: the executor variant, the load level and the thresholds.
//
// EXECUTOR=ramping-arrival-rate (default, open model: the offered rate does not drop when the
// service slows down, so latency under overload is visible) or EXECUTOR=constant-vus (closed
// model: VUS clients in a loop, the same shape as the local wrk runner).
//
//   ramping-arrival-rate: RATE (iterations/s at the plateau), RAMP (30s), HOLD (1m),
//                         PRE_VUS (10), MAX_VUS (200)
//   constant-vus:         VUS (8), DURATION (1m)
//   thresholds:           P95_MS and P99_MS override each flow's latency limits;
//                         the error rate limit is fixed at < 0.1 % of requests.

import { envInt, envString, verifyBodies } from './config.js';

const EXECUTORS = ['ramping-arrival-rate', 'constant-vus'];

/** The selected executor name (EXECUTOR), validated. */
export function executorName() {
  const name = envString('EXECUTOR', 'ramping-arrival-rate');
  if (EXECUTORS.indexOf(name) < 0) {
    throw new Error(`EXECUTOR must be one of ${EXECUTORS.join(', ')} (got "${name}")`);
  }
  return name;
}

function arrivalRate(flow, share, defaultRate) {
  const rate = envInt('RATE', defaultRate);
  const target = Math.max(1, Math.round(rate * share));
  return {
    executor: 'ramping-arrival-rate',
    exec: flow.exec,
    startRate: 1,
    timeUnit: '1s',
    preAllocatedVUs: Math.max(1, Math.round(envInt('PRE_VUS', 10) * share)),
    maxVUs: Math.max(1, Math.round(envInt('MAX_VUS', 200) * share)),
    stages: [
      { duration: envString('RAMP', '30s'), target: target },
      { duration: envString('HOLD', '1m'), target: target },
      { duration: '10s', target: 0 },
    ],
  };
}

function constantVus(flow, share) {
  return {
    executor: 'constant-vus',
    exec: flow.exec,
    vus: Math.max(1, Math.round(envInt('VUS', 8) * share)),
    duration: envString('DURATION', '1m'),
  };
}

/**
 * Builds the k6 `options` for a script made of one or more flows.
 *
 * @param flows array of { name, exec, weight, p95, p99 }: `exec` is the exported function the
 *        scenario runs, `weight` its share of the load (weights are normalised), p95/p99 the
 *        latency limits in milliseconds for its requests.
 * @param defaultRate plateau iterations/s of the whole script when RATE is not set.
 */
export function buildOptions(flows, defaultRate) {
  const executor = executorName();
  const totalWeight = flows.reduce((sum, flow) => sum + (flow.weight || 1), 0);
  const scenarios = {};
  const thresholds = {
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  };
  flows.forEach((flow) => {
    const share = (flow.weight || 1) / totalWeight;
    scenarios[flow.name] = executor === 'constant-vus'
      ? constantVus(flow, share)
      : arrivalRate(flow, share, defaultRate);
    const p95 = envInt('P95_MS', flow.p95);
    const p99 = envInt('P99_MS', flow.p99);
    thresholds[`http_req_duration{scenario:${flow.name}}`] = [`p(95)<${p95}`, `p(99)<${p99}`];
  });
  return {
    scenarios: scenarios,
    thresholds: thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
    setupTimeout: '60s',
    discardResponseBodies: !verifyBodies(),
  };
}
