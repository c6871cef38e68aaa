export { buildSummary, metricSource, SUMMARY_SCHEMA, type Summary, type SummaryInput, type MachineInfo, type TraceInfo } from './summary.js';
export { evaluateThresholds, type ThresholdResult, type MetricSource } from './thresholds.js';
export { renderTable, type TableOptions } from './table.js';
