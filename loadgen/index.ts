export { run, type LiveStats, type LiveView, type RunOptions, type RunResult } from './runner.js';
export { Collector, type Buckets, type WindowStats, type Phase } from './collector.js';
export { createWorkload, type Workload } from './workloads/index.js';
export { createSchedule, type Schedule } from './schedules/index.js';
export { uniform, zipf, type Sampler } from './samplers.js';
export * from './traces/index.js';
export { WsTarget, type WsTargetOptions } from './targets/ws.js';
export { checkConformance, Unreachable, type ConformanceCheck } from './targets/conformance.js';
export { HttpTarget, type HttpTargetOptions } from './targets/http.js';
