// The lifecycle tables after deploy, registered with the engine by runtime.ts.
import type { Pipeline } from '../engine/types.ts';
import { changePackagePipeline } from './change-package.ts';
import type { LifecycleEnv } from './lifecycle-steps.ts';
import { redeployPipeline } from './redeploy.ts';
import { reinstallPipeline } from './reinstall.ts';
import { setDnsRecordsPipeline } from './set-dns-records.ts';
import { terminatePipeline } from './terminate.ts';

export const lifecyclePipelines: Pipeline<LifecycleEnv>[] = [
  changePackagePipeline,
  reinstallPipeline,
  terminatePipeline,
  redeployPipeline,
  setDnsRecordsPipeline,
];
