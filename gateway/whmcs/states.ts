// Pipeline state names (the spec's) as the module API needs them: which pipeline a state belongs
// to, so a refusal can say what is in progress.
import { DEPLOY_STATES } from '../../provisioner/pipelines/deploy.ts';

/** What a VM in `state` is busy with, for messages ("a deploy is in progress (state clone)"). */
export function activity(state: string): string {
  if (state !== 'ready' && (DEPLOY_STATES as readonly string[]).includes(state)) return `a deploy is in progress (state ${state})`;
  if (state === 'change_package' || state.startsWith('cp_')) return `a package change is in progress (state ${state})`;
  if (state === 'terminate') return 'a termination is in progress';
  if (state === 'error_terminate') return 'the last termination failed and waits for an admin (state error_terminate)';
  if (state === 'remove') return 'the VM was removed';
  if (state === 'reinstall') return 'a reinstall is in progress';
  if (state === 'redeploy') return 'a redeploy is in progress';
  if (state === 'set_dns_records') return 'a DNS resync is queued';
  return `the VM is in state ${state}`;
}
