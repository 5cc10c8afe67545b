/**
 * Gates are judged on the Prometheus of the config each run was approved under: its `url`, its
 * `timeout` and its `bearerToken` (an environment variable of the worker, sent as
 * `Authorization: Bearer …` and never logged). One client per endpoint and settings.
 */
import type { GateJudge } from '../engine/ports.js';
import type { Run } from '../engine/run.js';
import { isReservedEnv } from '../manifest/rules/webhook-secrets.js';
import { parseDuration } from '../manifest/units.js';
import { MetricsGateJudge } from '../observe/gate-checker.js';
import type { LaneBackends } from '../observe/lane-comparison.js';
import { inconclusive } from '../observe/threshold-judge.js';
import { PrometheusSource } from '../providers/prometheus/prometheus-source.js';

interface PrometheusConfig {
  url: string;
  timeout?: string;
  bearerToken?: { env: string };
}

/** Prometheus' own default is minutes; a gate read every few seconds should give up sooner. */
const defaultTimeoutMs = 5000;

export function perRunGates(env: NodeJS.ProcessEnv, laneBackends?: LaneBackends): GateJudge {
  const judges = new Map<string, GateJudge>();
  return {
    check(gates, run: Run, at) {
      const prometheus = (run.providers as { prometheus?: PrometheusConfig } | undefined)?.prometheus;
      const client = prometheus ? clientSettings(prometheus, env) : { problem: noPrometheus };
      if ('problem' in client) return Promise.resolve(gates.map((g) => inconclusive(g, at, client.problem)));
      const key = `${prometheus!.url} ${client.timeoutMs} ${prometheus!.bearerToken?.env ?? ''}`;
      if (!judges.has(key))
        judges.set(
          key,
          new MetricsGateJudge(new PrometheusSource(prometheus!.url, client.timeoutMs, client.token), laneBackends),
        );
      return judges.get(key)!.check(gates, run, at);
    },
  };
}

const noPrometheus = 'no Prometheus configured in .zeroops/config.yaml';

/** The Prometheus a config names, or why it cannot be read (a bad timeout, a token that is not set). */
export function prometheusFor(
  prometheus: PrometheusConfig | undefined,
  env: NodeJS.ProcessEnv,
): PrometheusSource | { problem: string } {
  if (!prometheus) return { problem: noPrometheus };
  const client = clientSettings(prometheus, env);
  return 'problem' in client ? client : new PrometheusSource(prometheus.url, client.timeoutMs, client.token);
}

function clientSettings(
  prometheus: PrometheusConfig,
  env: NodeJS.ProcessEnv,
): { timeoutMs: number; token?: string } | { problem: string } {
  const seconds = prometheus.timeout === undefined ? undefined : parseDuration(prometheus.timeout);
  if (prometheus.timeout !== undefined && !seconds)
    return { problem: `spec.providers.prometheus.timeout '${prometheus.timeout}' is not a duration such as 10s` };
  const timeoutMs = seconds ? seconds * 1000 : defaultTimeoutMs;
  const variable = prometheus.bearerToken?.env;
  if (variable === undefined) return { timeoutMs };
  // A config that named the App's key here would send it to whatever url says.
  if (isReservedEnv(variable, undefined))
    return { problem: `${variable} is one of ZeroOps' own credentials: it is never sent to Prometheus` };
  const token = env[variable];
  if (!token) return { problem: `${variable} (spec.providers.prometheus.bearerToken) is not set on this worker` };
  return { timeoutMs, token };
}
