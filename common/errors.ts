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

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.status = errorCodes[code];
  }
}

/** A command cannot start (missing table, unusable folder): its message is the one line printed. */
export class StartupError extends Error {}

export const accessDenied = () => new AppError('PVB_ACCESS_DENIED', 'Access Denied');
