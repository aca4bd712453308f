// Client emails through the WHMCS API (SendEmail with a product-type template name and the
// service id). WHMCS renders and sends; we only name the template.
import type { Config } from '../common/config.ts';

export interface EmailSender {
  /** Sends template `messagename` for service `serviceId`; throws with WHMCS's message on error. */
  send(messagename: string, serviceId: number): Promise<void>;
  /** False when no WHMCS API is configured (emails are skipped and said so). */
  readonly configured: boolean;
}

export class WhmcsApiError extends Error {}

export function createWhmcsEmail(api: Config['whmcsApi'], timeoutMs = 10_000): EmailSender {
  return {
    configured: api !== undefined,
    async send(messagename, serviceId) {
      if (!api) throw new WhmcsApiError('WHMCS API not configured (PVEBRIDGE_WHMCS_API_URL)');
      const body = new URLSearchParams({
        action: 'SendEmail',
        identifier: api.identifier,
        secret: api.secret,
        messagename,
        id: String(serviceId),
        responsetype: 'json',
      });
      const res = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let json: { result?: string; message?: string } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        throw new WhmcsApiError(`WHMCS API answered ${res.status} without JSON`);
      }
      if (!res.ok || json.result !== 'success')
        throw new WhmcsApiError(`WHMCS SendEmail "${messagename}" failed: ${json.message ?? `HTTP ${res.status}`}`);
    },
  };
}
