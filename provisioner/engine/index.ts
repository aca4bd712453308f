// The engine's public surface (see provisioner/README.md, "Pipeline engine").
export { Engine, StepWait, TaskFailed, backoffMs, type EngineOptions } from './engine.ts';
export * from './types.ts';
export * from './format.ts';
export { readVmLog, RUNS_KEPT, type RunLogEntry, type StepLogEntry } from './run-log.ts';
export { clearLeases } from './lease.ts';
