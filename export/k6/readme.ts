/** README.md of an export directory: what is in it, and how to run it with k6 and with k6-operator. */
import { DATA_FILE } from './data.js';
import type { FilesVia } from './manifests.js';
import type { K6Plan } from './plan.js';
import { wholeRunPromQL } from './promql.js';
import { SCRIPT_FILE } from './script.js';

export const README_FILE = 'README.md';

/** Inline code that holds any text: a fence longer than any run of backticks in it, on one line. */
function code(text: string): string {
  const flat = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: pipes would end it. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

function scheduleLines(plan: K6Plan): string[] {
  const s = plan.scenario;
  if (s.executor === 'constant-arrival-rate') {
    return [`k6 \`constant-arrival-rate\`: ${s.rate} iterations per ${s.timeUnit} for ${s.duration}.`];
  }
  return [
    `k6 \`ramping-arrival-rate\` from ${s.startRate} iterations per ${s.timeUnit}, the stages of parabench's rate curve (a 0s stage is a jump):`,
    '',
    ...s.stages.map((x) => `- ${x.target} per ${s.timeUnit} over ${x.duration}`),
  ];
}

export function renderReadme(plan: K6Plan, via: FilesVia, dataBytes: number): string {
  const size = dataBytes >= 1e5 ? `${(dataBytes / 1e6).toFixed(1)} MB` : `${(dataBytes / 1e3).toFixed(1)} kB`;
  const thresholdRows = plan.thresholds.map((t) => {
    const k6 = `${t.metric}: ${t.aggregation}${t.op}${t.limit}${t.perRunner ? ' ÷ runners' : ''}${t.abortOnFail ? ` (abortOnFail, after ${t.delayAbortEval ?? '0s'})` : ''}`;
    return `| ${cell(code(`${t.source.metric}: ${t.source.expr}`))} | ${cell(code(k6))}${t.note ? ` (${cell(t.note)})` : ''} | ${cell(code(wholeRunPromQL(plan, t)))} |`;
  });
  const files =
    via.kind === 'configmap'
      ? [`| \`k8s/configmap.yaml\` | ConfigMap \`${via.name}\`: ${SCRIPT_FILE} and ${DATA_FILE}, mounted at /test/ in every runner |`]
      : [`| \`k8s/pvc.yaml\` | PersistentVolumeClaim \`${via.name}\`: the files are too large for a ConfigMap (1 MiB), copy them into it |`];
  const createFiles =
    via.kind === 'configmap'
      ? ['kubectl create -f k8s/configmap.yaml     # not `apply`: it would copy the data into a 256 KiB annotation']
      : [
          'kubectl create -f k8s/pvc.yaml          # ReadWriteMany: pick a storageClassName your cluster offers',
          `kubectl run ${plan.testid}-copy --image=busybox --restart=Never \\`,
          `  --overrides='{"spec":{"volumes":[{"name":"f","persistentVolumeClaim":{"claimName":"${via.name}"}}],"containers":[{"name":"c","image":"busybox","command":["sleep","3600"],"volumeMounts":[{"name":"f","mountPath":"/test"}]}]}}'`,
          `kubectl cp ${SCRIPT_FILE} ${plan.testid}-copy:/test/${SCRIPT_FILE}`,
          `kubectl cp ${DATA_FILE} ${plan.testid}-copy:/test/${DATA_FILE}`,
          `kubectl delete pod ${plan.testid}-copy`,
        ];
  return `# k6 export of the parabench profile ${code(plan.profile)}

Written by \`parabench export k6\` from ${code(plan.file)} (seed ${plan.seed}). Regenerate rather
than edit: the export is deterministic, the same profile gives the same files.

| file | what it is |
| --- | --- |
| \`${SCRIPT_FILE}\` | the k6 script: plain JavaScript for k6 v0.48 and later, k6's own modules only |
| \`${DATA_FILE}\` | the ${plan.transactions} transactions, made by parabench's generator (${size}): row i is transaction i, the same one \`parabench run\` sends for this profile and seed |
| \`k8s/testrun.yaml\` | the k6-operator TestRun: ${plan.parallelism} runner(s), metrics to Prometheus by remote write |
${files.join('\n')}

## What it sends

${scheduleLines(plan).join('\n')}

One iteration is one transaction, sent as \`POST /tx\` (docs/PROTOCOL.md, the JSON encoding over
HTTP), and its \`http_req_duration\` is the transaction's latency: the answer comes with its
receipt. Iteration i sends transaction i (\`exec.scenario.iterationInTest\`, unique across the
runners of a distributed run), so each transaction is sent once, at the time parabench's schedule
gives it. The first ${plan.warmupTransactions} are the warm-up (tagged \`phase=warmup\`); the
thresholds judge the others (\`phase=measured\`). When no VU is free (\`maxVUs\` ${plan.scenario.maxVUs},
parabench's \`maxInFlight\`), k6 drops the iteration and counts it in \`dropped_iterations\`.

Target: ${code(plan.target)}${plan.targetFromWs === undefined ? '' : ` (the profile's ${code(plan.targetFromWs)}: \`parabench serve\` answers HTTP on its WebSocket port)`}.

## Run it with k6

\`\`\`sh
parabench serve --executor sequential --host 0.0.0.0   # or any server with the protocol's HTTP endpoints
k6 run ${SCRIPT_FILE}                                      # k6 v0.48 or later
k6 run -e PARABENCH_TARGET=http://10.0.0.5:7070 ${SCRIPT_FILE}   # elsewhere than ${code(plan.target)}
\`\`\`

| environment | meaning |
| --- | --- |
| \`PARABENCH_TARGET\` | the target's http(s) URL, instead of the exported one |
| \`PARABENCH_PREALLOCATED_VUS\`, \`PARABENCH_MAX_VUS\` | VUs (exported: ${plan.scenario.preAllocatedVUs} and ${plan.scenario.maxVUs}, from the peak rate ${plan.peakRate} tx/s) |
| \`PARABENCH_RUNNERS\` | k6 instances sharing the run (the TestRun sets it): count thresholds are divided among them |
| \`PARABENCH_SESSION\` | the target's session name (default: from the \`testid\` tag, else a fresh one) |

k6 exits 99 when a threshold fails, as \`parabench run\` does. It does not check the target's
results against sequential execution: \`parabench run --target …\` does.

## Run it on Kubernetes with k6-operator

Prometheus must accept remote writes with native histograms
(\`--web.enable-remote-write-receiver --enable-feature=native-histograms\`) at
${code(plan.prometheusUrl)} (\`parabench export k6 --prometheus URL\` sets another), and the
target must be reachable from the runners at ${code(plan.target)} (the TestRun's
\`PARABENCH_TARGET\`).

\`\`\`sh
${createFiles.join('\n')}
kubectl create -f k8s/testrun.yaml
kubectl get testrun ${plan.testid} -w        # stage: … started → finished
\`\`\`

Every series is labelled \`testid="${plan.testid}"\` (and \`instance_id\` per runner): the
Grafana dashboard "parabench / k6" (\`dashboards/grafana/parabench-k6.json\`) shows the run. The
testid also names the run's session on the target, so give each run its own: to run again, delete
the TestRun and change \`${plan.testid}\` in \`k8s/testrun.yaml\` (its name and its
\`--tag testid=\`) to a new name.

## Thresholds

Each runner judges only its own share of the iterations. Percentiles and shares are judged on
that share, counts against the limit divided by the runners; whether the whole run passed is
Prometheus's to say, with the query beside each threshold: an instant query at the end of the run
or up to five minutes after (the runners' last values, added up; the TestRun keeps k6's stale
markers off so that they stay visible that long). 1: passed, 0: failed.

| parabench | k6, on each runner | the whole run, from Prometheus |
| --- | --- | --- |
${thresholdRows.length > 0 ? thresholdRows.join('\n') : '| (none) | | |'}
${plan.unmapped.length > 0 ? `\nNot exported:\n\n${plan.unmapped.map((u) => `- ${code(`${u.metric}: ${u.expr}`)}: ${u.why}.`).join('\n')}\n` : ''}
## How it differs from \`parabench run\`

- Latency runs from when k6 sent the request, not from the intended time; k6 starts each
  iteration on time or drops it, so a stalled target shows up as latency and dropped iterations.
- Each transaction is its own request, so requests in flight together can reach the target in any
  order: a sender's later nonce arriving first fails the earlier one (\`nonce-too-low\`). Failures
  are counted by reason (\`parabench_tx{outcome="failed", reason=…}\`).
- No check of the results against sequential execution, and no send lag.
`;
}
