/**
 * The Kubernetes side of an export, for k6-operator: a TestRun with the run's parallelism and
 * k6's Prometheus remote-write output, and the files it runs (a ConfigMap when they fit in one,
 * a PersistentVolumeClaim to copy them into when they do not). Written with the `yaml` package:
 * no value is ever pasted into YAML text.
 */
import { stringify } from 'yaml';
import { DATA_FILE } from './data.js';
import type { K6Plan } from './plan.js';
import { SCRIPT_FILE } from './script.js';

/**
 * Kubernetes refuses a ConfigMap whose data passes 1 MiB (1048576 bytes); the margin leaves room
 * for the object's other fields.
 */
export const CONFIGMAP_LIMIT_BYTES = 1_000_000;

/** Trends as native histograms: they add up across runners, so Prometheus can judge the whole run. */
export function remoteWriteEnv(plan: K6Plan): { name: string; value: string }[] {
  return [
    { name: 'K6_PROMETHEUS_RW_SERVER_URL', value: plan.prometheusUrl },
    { name: 'K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', value: 'true' },
    // Used instead when native histograms are turned off: each runner's own percentiles, as gauges.
    { name: 'K6_PROMETHEUS_RW_TREND_STATS', value: 'p(50),p(90),p(99),max' },
    { name: 'K6_PROMETHEUS_RW_PUSH_INTERVAL', value: '5s' },
    // Off: each runner's last values stay visible for Prometheus's five-minute lookback after the
    // run, where the README's whole-run queries read them (export/k6/promql.ts).
    { name: 'K6_PROMETHEUS_RW_STALE_MARKERS', value: 'false' },
  ];
}

export type FilesVia = { readonly kind: 'configmap'; readonly name: string } | { readonly kind: 'volume-claim'; readonly name: string; readonly bytes: number };

export function filesVia(plan: K6Plan, bytes: number, limit = CONFIGMAP_LIMIT_BYTES): FilesVia {
  return bytes <= limit ? { kind: 'configmap', name: plan.testid } : { kind: 'volume-claim', name: `${plan.testid}-files`, bytes };
}

export function testRunManifest(plan: K6Plan, via: FilesVia): string {
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: plan.testid },
    spec: {
      parallelism: plan.parallelism,
      script: via.kind === 'configmap' ? { configMap: { name: via.name, file: SCRIPT_FILE } } : { volumeClaim: { name: via.name, file: SCRIPT_FILE } },
      // The testid tag labels every series on Prometheus, and names the run's session on the target.
      arguments: `-o experimental-prometheus-rw --tag testid=${plan.testid}`,
      runner: {
        env: [
          ...remoteWriteEnv(plan),
          { name: 'PARABENCH_RUNNERS', value: String(plan.parallelism) },
          { name: 'PARABENCH_TARGET', value: plan.target },
        ],
      },
    },
  };
  return yamlDoc('The k6-operator TestRun: `kubectl create -f` this file after the files it runs (README.md).', testRun);
}

export function configMapManifest(plan: K6Plan, via: FilesVia & { kind: 'configmap' }, script: string, data: string): string {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: via.name }, data: { [SCRIPT_FILE]: script, [DATA_FILE]: data } };
  return yamlDoc(`The script and its transactions, mounted at /test/ in every runner. Create it with \`kubectl create -f\`\n(\`kubectl apply\` copies it into an annotation limited to 256 KiB).`, configMap);
}

/** Room for the files, with a margin, in whole MiB. */
export function volumeClaimManifest(via: FilesVia & { kind: 'volume-claim' }): string {
  const mib = Math.ceil((via.bytes * 1.25) / 2 ** 20) + 1;
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: via.name },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: `${mib}Mi` } } },
  };
  return yamlDoc(
    `The files are too large for a ConfigMap (1 MiB): copy script.js and ${DATA_FILE} into this claim's root\n` +
      '(README.md says how). Every runner mounts it at /test/, so it must be ReadWriteMany or ReadOnlyMany;\n' +
      'add a storageClassName that offers that on your cluster.',
    pvc,
  );
}

function yamlDoc(comment: string, value: unknown): string {
  return `${comment.replace(/^/gm, '# ')}\n${stringify(value, { lineWidth: 0 })}`;
}
