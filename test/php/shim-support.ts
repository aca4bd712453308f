// Runs the PHP shim with real php: one harness process per WHMCS call, against a running gateway.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { toolPath } from '../support/tools.ts';

export const HARNESS = path.resolve('test/php/harness.php');

export interface ShimJob {
  module?: 'server' | 'addon';
  function?: string;
  args?: unknown[];
  hook?: string;
  vars?: Record<string, unknown>;
  session?: Record<string, unknown>;
  request?: Record<string, unknown>;
  post?: Record<string, unknown>;
  area?: 'admin' | 'client';
  /** Several functions in one request, as one page calls them; `return` is then the list of returns. */
  sequence?: Array<{ function: string; args?: unknown[] }>;
  /** The WHMCS page running the call, e.g. 'configproducts.php'. */
  script?: string;
  /** The addon's settings as WHMCS keeps them in tbladdonmodules (served through a Capsule stand-in). */
  addonSettings?: Record<string, string>;
  /** WHMCS's CSRF token for this session (defines generate_token/check_token). */
  token?: string;
}

export interface ShimResult {
  return: unknown;
  threw: { class: string; message: string } | null;
  /** The function ended the request itself (exit), as when it answers the browser directly. */
  exited: boolean;
  seconds: number;
  /** Everything the function printed, buffered or not. */
  output: string;
  modulelog: Array<{ module: string; action: string; request: string; response: string; processed: string }>;
  activity: Array<{ message: string; clientId: number }>;
  /** $_SESSION as the call left it. */
  session: Record<string, unknown>;
}

export function runPhp(
  script: string,
  args: string[],
  stdin: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath('php')!, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    // Decode as a stream: a multibyte character may straddle two chunks.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** harness.php prints its JSON report after this, behind anything printed past its buffer. */
const RESULT_MARKER = '\x1eHARNESS-RESULT\x1e';

export async function runShim(job: ShimJob, env: Record<string, string>): Promise<ShimResult> {
  const r = await runPhp(HARNESS, [], JSON.stringify(job), env);
  const at = r.stdout.lastIndexOf(RESULT_MARKER);
  if (r.code !== 0 || r.stderr.trim() || at < 0) throw new Error(`php harness failed (exit ${r.code}): ${r.stderr}\n${r.stdout}`);
  const result = JSON.parse(r.stdout.slice(at + RESULT_MARKER.length)) as ShimResult;
  return { ...result, output: result.output + r.stdout.slice(0, at) };
}

/** The Smarty majors every template is rendered with: 3 (3.1, as WHMCS 8 ships) and 4. */
export const SMARTY_VERSIONS = ['3', '4'] as const;

/** Renders a shim template with real Smarty (4 unless told; tests render with both). */
export async function renderTemplate(template: string, vars: unknown, smarty: '3' | '4' = '4'): Promise<string> {
  const r = await runPhp(path.resolve('test/php/render.php'), [template, smarty], JSON.stringify(vars));
  if (r.code !== 0) throw new Error(`smarty ${smarty} render failed: ${r.stderr}`);
  return r.stdout;
}

/** Renders with Smarty 3.1 and 4 and checks both give the same HTML; returns it. */
export async function renderBoth(template: string, vars: unknown): Promise<string> {
  const [three, four] = await Promise.all(SMARTY_VERSIONS.map((v) => renderTemplate(template, vars, v)));
  if (three !== four) throw new Error(`Smarty 3.1 and 4 render ${template} differently:\n--- 3\n${three}\n--- 4\n${four}`);
  return four!;
}
