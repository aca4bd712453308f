// The shape of one parameter schema in Proxmox's api-viewer data (only the fields we read).
export interface PropSchema {
  type?: string;
  optional?: number | boolean;
  format?: string | Record<string, PropSchema>;
  enum?: string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  default_key?: number;
  alias?: string;
  keyAlias?: string;
  requires?: string;
  description?: string;
  items?: PropSchema;
}

export interface Endpoint {
  method: string;
  path: string;
  name: string;
  parameters?: { additionalProperties?: number; properties?: Record<string, PropSchema> };
  returns?: PropSchema & { properties?: Record<string, PropSchema> };
}

/** Per-parameter messages, keyed like Proxmox keys them ("net0", "net0.tag"). */
export type ParamErrors = Record<string, string>;
