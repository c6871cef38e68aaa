export { TRACE_SCHEMA, READABLE_SCHEMAS, type TraceHeader, type DecodedTx } from './format.js';
export { TraceWriter } from './writer.js';
export { TraceReader, looksLikeTrace } from './reader.js';
export { openTraceSource, type TraceSource } from './source.js';
export { recordTrace, traceHeader, type HeaderInput } from './record.js';
