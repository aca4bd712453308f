// The error catalogue: every error a client of the gateway can see, with a stable code and
// HTTP status. Messages are for people (WHMCS shows them to admins and customers).
export const errorCodes = {
  PVB_VALIDATION: 400,
  PVB_UNAUTHORIZED: 401,
  PVB_ACCESS_DENIED: 403,
  PVB_NOT_FOUND: 404,
  PVB_CONFLICT: 409,
  PVB_TOO_LARGE: 413,
  PVB_UNSUPPORTED_MEDIA: 415,
  PVB_RATE_LIMITED: 429,
  PVB_UNAVAILABLE: 503,
  PVB_UPSTREAM: 502,
  PVB_INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * A message people see crosses the wire as a language key + args (php-shim/lang/**, e.g.
 * `error.vm_not_running`), never as an English sentence; `message` stays for logs and admins.
 */
export interface ErrorText {
  key: string;
  args?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly status: number;
  key?: string;
  args?: Record<string, string | number>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    text?: ErrorText,
  ) {
    super(message);
    this.status = errorCodes[code];
    if (text) {
      this.key = text.key;
      if (text.args) this.args = text.args;
    }
  }

  /** The error body the API answers: code, message (for logs/admins), key/args (for people). */
  toBody(): { code: ErrorCode; message: string; fields?: Record<string, string>; key?: string; args?: Record<string, string | number> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields && { fields: this.fields }),
      ...(this.key && { key: this.key }),
      ...(this.args && { args: this.args }),
    };
  }
}

/** A command cannot start (missing table, unusable folder): its message is the one line printed. */
export class StartupError extends Error {}

export const accessDenied = () => new AppError('PVB_ACCESS_DENIED', 'Access Denied', undefined, { key: 'error.access_denied' });
