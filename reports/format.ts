/**
 * How figures read in every report (terminal, HTML, Markdown, JUnit): one place, so that a
 * threshold's value is shown the same way everywhere, and never rounded across its limit.
 */
import { compare, parseThresholdExpr } from '../core/thresholds.js';
import type { Summary } from './summary.js';
import type { ThresholdResult } from './thresholds.js';

/** What matched when the results were checked: receipts, and the state roots the target reported. */
export function matchedText(v: Summary['verification']): string {
  return v.rootsCompared === v.blocks
    ? 'receipts and state roots match'
    : v.rootsCompared === 0
      ? 'receipts match (the target reports no state roots)'
      : `receipts match, and the ${v.rootsCompared} state roots reported`;
}

/** What an executor did beyond executing, per transaction, where it did anything: " · 0.12 re-executions and …". */
export function executorExtras(e: NonNullable<Summary['executor']>): string {
  const per = (n: number): string => (e.txs > 0 ? (n / e.txs).toFixed(2) : '0');
  return [
    e.validations > 0 ? ` · ${per(e.reexecutions)} re-executions and ${per(e.validations)} validations per tx` : '',
    e.crossShard > 0 ? ` · ${per(e.crossShard)} cross-shard per tx` : '',
    e.fallbacks > 0 ? ` · ${e.fallbacks} blocks on the sequential path` : '',
  ].join('');
}

/** The results were checked against sequential execution and differ. */
export function verificationFailed(s: Summary): boolean {
  return s.verification.checked && !(s.verification.stateRootMatches && s.verification.receiptsMatch);
}

/**
 * The measured value of a threshold, with its unit. Shown with as many decimals as it takes for
 * the shown value to get the same verdict as the real one: `p(99)<250` failing on 250.04 ms must
 * not read "250.0 ms" against a limit the reader then thinks it met… nor 249.96 read "250.0".
 */
export function measuredText(t: ThresholdResult): string {
  if (t.value === null) return 'no data';
  const value = t.value;
  const expr = parseThresholdExpr(t.metric, t.expr);
  const base = t.unit === 'ratio' ? 2 : t.unit === 'ms' ? (Math.abs(value) < 10 ? 2 : 1) : t.unit === 'tx' ? 0 : 1;
  const scale = t.unit === 'ratio' ? 100 : 1;
  let digits = base;
  for (; digits < base + 6; digits++) {
    if ('error' in expr) break;
    const shown = Number((value * scale).toFixed(digits)) / scale;
    if (compare(shown, expr.op, expr.limit) === compare(value, expr.op, expr.limit)) break;
  }
  return withUnit((value * scale).toFixed(digits), t.unit);
}

/** The limit of a threshold in the unit its value is shown in: `< 250 ms`, `< 1%`. */
export function limitText(t: ThresholdResult): string | null {
  const expr = parseThresholdExpr(t.metric, t.expr);
  if ('error' in expr) return null;
  const scale = t.unit === 'ratio' ? 100 : 1;
  // toPrecision strips the float noise of the scaling (0.07 × 100 = 7.000000000000001).
  return `${expr.op} ${withUnit(String(Number((expr.limit * scale).toPrecision(12))), t.unit)}`;
}

function withUnit(n: string, unit: string): string {
  return unit === 'ratio' ? `${n}%` : `${n} ${unit}`;
}

