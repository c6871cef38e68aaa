/**
 * The Prometheus side: the rules file (per-run recording rules and the alerts a load test cares
 * about) and a scrape configuration for a `parabench run` and a `parabench serve` on this host.
 */
import { ACHIEVED_MIN_SHARE, ALERTS, RECORDS, RULE_WINDOW } from './queries.js';

/** Where `parabench run --metrics-port` and `parabench serve --metrics-port` listen in the shipped config. */
export const SCRAPE_TARGETS = { 'parabench-run': '127.0.0.1:9464', 'parabench-serve': '127.0.0.1:9465' } as const;
export const RULES_FILE = 'rules.yml';

interface RecordingRule {
  record: string;
  expr: string;
}

interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** The recording rules' names: a query may use them like catalog metrics. */
export const RECORDING_RULE_NAMES: readonly string[] = Object.values(RECORDS).map((r) => r.record);

const MIN_PERCENT = `${Math.round(ACHIEVED_MIN_SHARE * 100)}%`;

const alert = (name: string, expr: string, summary: string, description: string): AlertingRule => ({
  alert: name,
  expr,
  for: RULE_WINDOW,
  labels: { severity: 'warning' },
  annotations: { summary, description },
});

export function ruleGroups(): RuleGroup[] {
  return [
    { name: 'parabench-records', rules: Object.values(RECORDS).map(({ record, expr }) => ({ record, expr })) },
    {
      name: 'parabench-alerts',
      rules: [
        alert(
          'ParabenchAchievedBelowOffered',
          ALERTS.achievedBelowOffered,
          `Run {{ $labels.run_id }} sends less than ${MIN_PERCENT} of its offered load`,
          `Run {{ $labels.run_id }} sent {{ $value | humanize }} tx/s over the last minute, below ${MIN_PERCENT} of the rate its schedule offered: the load generator, not the target, sets the pace, so the run does not measure the target. Check the Overview dashboard’s send lag and in-flight panels; raise the profile’s in-flight limit or give the load generator more CPU.`,
        ),
        alert(
          'ParabenchLatencyAboveSLO',
          ALERTS.latencyAboveSlo,
          'Run {{ $labels.run_id }} p99 latency is above its threshold',
          'The p99 latency of run {{ $labels.run_id }} over the last minute is {{ $value | humanizeDuration }}, above the profile’s p99 threshold (parabench_slo_latency_seconds{percentile="99"}). Lower the offered rate to find the rate the target sustains, or look at the Executor dashboard for the cause.',
        ),
        alert(
          'ParabenchTransactionsDropped',
          ALERTS.dropped,
          'Run {{ $labels.run_id }} drops transactions',
          'Run {{ $labels.run_id }} dropped {{ $value | humanize }} tx/s over the last minute: they were due but the in-flight limit was reached, so they were never sent (open loop: the target answers slower than the offered rate). Raise the in-flight limit if the target keeps up, otherwise lower the offered rate.',
        ),
      ],
    },
  ];
}

export function rulesFile(): { groups: RuleGroup[] } {
  return { groups: ruleGroups() };
}

export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
}

/** Where `parabench run --pushgateway` pushes a short run's final figures (the Pushgateway's default port). */
export const PUSHGATEWAY_TARGET = '127.0.0.1:9091';

export function prometheusConfig(): PrometheusConfig {
  return {
    // 5 s: a benchmark run lasts minutes, and Grafana's $__rate_interval is 4 scrape intervals.
    global: { scrape_interval: '5s', evaluation_interval: '5s' },
    rule_files: [RULES_FILE],
    scrape_configs: [
      ...Object.entries(SCRAPE_TARGETS).map(([job, target]) => ({ job_name: job, static_configs: [{ targets: [target] }] })),
      // honor_labels: the pushed series keep their own job ("parabench") and run_id.
      { job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [PUSHGATEWAY_TARGET] }] },
    ],
  };
}
