export { buildSummary, metricSource, SUMMARY_SCHEMA, type Summary, type SummaryInput, type MachineInfo, type TraceInfo } from './summary.js';
export { abortReason, evaluateThresholds, type AbortingThreshold, type ThresholdResult, type MetricSource } from './thresholds.js';
export { renderTable, type TableOptions } from './table.js';
export { compareMetric, compareRuns, compareSummaries, figuresOf, renderComparison, runFigures, type Comparison, type CompareSide, type ComparedMetric, type MetricComparison, type RunFigures } from './compare.js';
export { renderHtml } from './html.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';
