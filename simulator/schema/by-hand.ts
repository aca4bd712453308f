// Endpoints the shared schema copy lacks, transcribed from Proxmox's own source (same PVE 9.1
// generation). Each names its source; extract.ts appends them to pve-api-subset.json.
const q = '/nodes/{node}/qemu/{vmid}';

const node = { description: 'The cluster node name.', format: 'pve-node', type: 'string', typetext: '<string>' };
const vmid = {
  description: 'The (unique) ID of the VM.',
  format: 'pve-vmid',
  maximum: 999999999,
  minimum: 100,
  type: 'integer',
  typetext: '<integer> (100 - 999999999)',
};

/** qemu-server src/PVE/API2/Qemu.pm, method `unlink` (pve-docs apidata.js). */
const UNLINK = {
  method: 'PUT',
  path: `${q}/unlink`,
  requested: true,
  allowtoken: 1,
  description: 'Unlink/delete disk images.',
  name: 'unlink',
  parameters: {
    additionalProperties: 0,
    properties: {
      force: {
        description:
          "Force physical removal. Without this, we simple remove the disk from the config file and create an additional configuration entry called 'unused[n]', which contains the volume ID. Unlink of unused[n] always cause physical removal.",
        optional: 1,
        type: 'boolean',
        typetext: '<boolean>',
      },
      idlist: { description: 'A list of disk IDs you want to delete.', format: 'pve-configid-list', type: 'string', typetext: '<string>' },
      node,
      vmid,
    },
  },
  permissions: { check: ['perm', '/vms/{vmid}', ['VM.Config.Disk']] },
  protected: 1,
  proxyto: 'node',
  returns: { type: 'null' },
};

/** qemu-server src/PVE/API2/Qemu.pm, method `cloudinit_generated_config_dump` (qm cloudinit dump). */
const CLOUDINIT_DUMP = {
  method: 'GET',
  path: `${q}/cloudinit/dump`,
  requested: true,
  allowtoken: 1,
  description: 'Get automatically generated cloudinit config.',
  name: 'cloudinit_generated_config_dump',
  parameters: {
    additionalProperties: 0,
    properties: {
      node,
      vmid,
      type: { description: 'Config type.', enum: ['user', 'network', 'meta'], type: 'string', typetext: '<string>' },
    },
  },
  permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
  proxyto: 'node',
  returns: { type: 'string' },
};

/** pve-manager PVE/API2/Certificates.pm, method `info` (items: pve-common `pve-certificate-info`). */
const CERTIFICATES_INFO = {
  method: 'GET',
  path: '/nodes/{node}/certificates/info',
  requested: true,
  allowtoken: 1,
  description: "Get information about node's certificates.",
  name: 'info',
  parameters: { additionalProperties: 0, properties: { node } },
  permissions: { user: 'all' },
  proxyto: 'node',
  returns: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        filename: { type: 'string', optional: 1 },
        fingerprint: { type: 'string', optional: 1, description: 'Certificate SHA 256 fingerprint.' },
        issuer: { type: 'string', optional: 1 },
        notafter: { type: 'integer', optional: 1 },
        notbefore: { type: 'integer', optional: 1 },
        pem: { type: 'string', optional: 1, description: 'Certificate in PEM format' },
        'public-key-bits': { type: 'integer', optional: 1 },
        'public-key-type': { type: 'string', optional: 1 },
        san: { type: 'array', optional: 1, items: { type: 'string' } },
        subject: { type: 'string', optional: 1 },
      },
    },
  },
};

export const BY_HAND = [UNLINK, CLOUDINIT_DUMP, CERTIFICATES_INFO];
