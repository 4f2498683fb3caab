/**
 * The `--prometheus*` flags `review` and `serve` share, and the one function that turns them into a reader of
 * measured use over a window (src/collect/prometheus/). Flags are validated here, at the edge.
 */
import { Command, Option } from 'commander';
import { createPrometheusClient, parsePrometheusUrl, readPrometheusCredentials } from '../collect/prometheus/client.js';
import { DEFAULT_LABELS, parseLabelName, parseSelector, readMeasuredUse } from '../collect/prometheus/dcgm.js';
import { ValidationError } from '../errors.js';
import { rational, type Rational } from '../rational.js';
import type { TimeWindow } from '../review/figures.js';
import type { MeasuredInput, MeasuredSource } from '../review/measured.js';
import { parseShare } from '../review/rules.js';

export interface PrometheusFlags {
  prometheus?: string;
  prometheusToken?: string;
  prometheusTokenFile?: string;
  prometheusUser?: string;
  prometheusPasswordFile?: string;
  prometheusCa?: string;
  prometheusStep: string;
  prometheusTimeout: string;
  prometheusSelector?: string;
  prometheusNamespaceLabel: string;
  prometheusPodLabel: string;
  idleBelow: string;
  idleFor: string;
}

/** Reads measured use over a window; `not-given` without --prometheus. */
export type MeasureUse = (window: TimeWindow | null) => Promise<MeasuredInput>;

export function addPrometheusOptions(command: Command): Command {
  return command
    .option('--prometheus <url>', 'Prometheus-compatible API with dcgm-exporter series: measured GPU use (see docs/review.md)')
    .addOption(new Option('--prometheus-token <token>', 'bearer token for --prometheus').env('QUOTAPLAN_PROMETHEUS_TOKEN'))
    .option('--prometheus-token-file <file>', 'file holding the bearer token (read at start)')
    .option('--prometheus-user <name>', 'basic-auth user for --prometheus (with --prometheus-password-file)')
    .option('--prometheus-password-file <file>', 'file holding the basic-auth password (read at start)')
    .option('--prometheus-ca <file>', 'PEM CA bundle the server certificate must chain to')
    .option('--prometheus-step <duration>', 'query resolution, at least the scrape interval: 1h, 15m, 300s', '1h')
    .option('--prometheus-timeout <duration>', 'per request', '60s')
    .option('--prometheus-selector <matchers>', 'extra label matchers for every series, e.g. cluster="prod"')
    .option('--prometheus-namespace-label <name>', 'label holding the pod namespace (exported_namespace behind a ServiceMonitor without honorLabels)', DEFAULT_LABELS.namespace)
    .option('--prometheus-pod-label <name>', 'label holding the pod name (exported_pod likewise)', DEFAULT_LABELS.pod)
    .option('--idle-below <percent>', 'a GPU is idle in a step when its average activity is below this %', '5')
    .option('--idle-for <duration>', 'list GPUs idle for at least this long in all', '24h');
}

/** `1h`, `15m`, `90s`, `2d` -> seconds (whole, at least 1). */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d{1,7})(s|m|h|d)?$/.exec(text.trim());
  const seconds = match === null ? 0 : Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  if (seconds < 1) throw new ValidationError(`${flag}: ${JSON.stringify(text)} is not a duration such as 1h, 15m or 300s`, { field: flag, value: text });
  return seconds;
}

function percent(text: string, flag: string): Rational {
  const value = parseShare(text, { percent: true });
  if (value === null) throw new ValidationError(`${flag}: ${JSON.stringify(text)} is not a percentage between 0 and 100`, { field: flag, value: text });
  return value;
}

/** Validates the flags (bad input exits 2 before anything is read) and returns the reader. */
export function measureUseFrom(flags: PrometheusFlags): MeasureUse {
  if (flags.prometheus === undefined) return () => Promise.resolve({ kind: 'not-given' });
  parsePrometheusUrl(flags.prometheus);
  const stepSeconds = parseDuration(flags.prometheusStep, '--prometheus-step');
  if (stepSeconds < 60) throw new ValidationError(`--prometheus-step: ${flags.prometheusStep} is below 60 s; use at least the scrape interval`, { field: '--prometheus-step' });
  const timeoutMs = parseDuration(flags.prometheusTimeout, '--prometheus-timeout') * 1000;
  const credentials = readPrometheusCredentials({
    token: flags.prometheusToken,
    tokenFile: flags.prometheusTokenFile,
    user: flags.prometheusUser,
    passwordFile: flags.prometheusPasswordFile,
    ca: flags.prometheusCa,
  });
  const labels = {
    namespace: parseLabelName(flags.prometheusNamespaceLabel, '--prometheus-namespace-label'),
    pod: parseLabelName(flags.prometheusPodLabel, '--prometheus-pod-label'),
  };
  const selector = flags.prometheusSelector === undefined ? '' : parseSelector(flags.prometheusSelector);
  const idleBelow = percent(flags.idleBelow, '--idle-below');
  const idleForHours = rational(BigInt(parseDuration(flags.idleFor, '--idle-for')), 3600n);
  const url = flags.prometheus;
  return async (window) => {
    const client = createPrometheusClient({ url, token: credentials.token, basicAuth: credentials.basicAuth, ca: credentials.ca, timeoutMs });
    const source: MeasuredSource = { url: client.url, selector, namespaceLabel: labels.namespace, podLabel: labels.pod, stepSeconds, idleBelow, idleForHours };
    try {
      if (window === null) return { kind: 'no-series', source, reason: 'no snapshot covers the cycle, so there is no window to measure' };
      const read = await readMeasuredUse(client, { from: window.from, to: window.to, stepSeconds, labels, selector, idleBelow, idleForHours });
      return read.kind === 'measured' ? { kind: 'measured', source, use: read.use } : { kind: 'no-series', source, reason: read.reason };
    } finally {
      await client.close();
    }
  };
}
