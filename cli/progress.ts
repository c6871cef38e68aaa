import { formatDuration } from '../core/duration.js';
import type { LiveStats, WindowStats } from '../loadgen/index.js';
import type { Output } from './env.js';

/** In logs (CI), about ten plain lines a run, at most one every 10 s; a terminal gets one line rewritten every second. */
const plainEverySeconds = (totalMs: number): number => Math.min(10, Math.max(1, Math.round(totalMs / 10_000)));

/** The live progress line: TPS and p99 of the last second, totals so far, time left. */
export function progressPrinter(out: Output): { onWindow(w: WindowStats, live: LiveStats): void; finish(): void } {
  let printed = false;
  return {
    onWindow(w, live) {
      const phase = w.phase === 'warmup' ? 'warm-up ' : w.phase === 'measured' ? 'measured' : 'draining';
      const left = Math.max(0, live.totalMs - live.elapsedMs);
      const p99 = w.latencyP99Ms === null ? '–' : `${w.latencyP99Ms.toFixed(2)} ms`;
      const line =
        `${phase} ${formatDuration(live.elapsedMs)}/${formatDuration(live.totalMs)} │ ${w.committed} tx/s │ p99 ${p99} │ ` +
        `sent ${live.sent} · committed ${live.committed} · dropped ${live.dropped} · in flight ${live.inFlight} │ ` +
        (w.phase === 'drain' || left === 0 ? 'waiting for receipts' : `${Math.ceil(left / 1000)}s left`);
      if (out.isTTY) {
        out.write(`\r\x1b[2K${line}`);
        printed = true;
      } else if (Math.round(w.t + 1) % plainEverySeconds(live.totalMs) === 0) {
        out.write(`${line}\n`);
      }
    },
    finish() {
      if (printed) out.write('\r\x1b[2K');
    },
  };
}
