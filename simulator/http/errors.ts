// Errors as Proxmox raises them: a status, a one-line message (the reason phrase) and, for
// parameter errors, a per-parameter map.
export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** A plain `die` in a Proxmox handler: 500 with the text. */
export const die = (message: string): never => {
  throw new PveError(500, message);
};

/** pve-common raise_param_exc: 400 "Parameter verification failed." with the map. */
export const paramError = (errors: Record<string, string>): never => {
  throw new PveError(400, 'Parameter verification failed.', errors);
};
