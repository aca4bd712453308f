// The certificates of a Proxmox cluster (pve-manager PVE/API2/Certificates.pm `info`, the admin
// guide's "Certificate Management"): the cluster CA /etc/pve/pve-root-ca.pem, each node's
// pve-ssl.pem signed by it, and — when the operator installed one (custom upload or ACME) — the
// node's pveproxy-ssl.pem, which pveproxy and the TLS console listener then present instead.
// The custom certificate is issued by a separate "operator CA" so that trusting only the cluster
// CA fails, exactly as on a real node with a Let's Encrypt or company certificate.
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface CertificateInfo {
  filename: string;
  fingerprint: string;
  subject: string;
  issuer: string;
  notbefore: number;
  notafter: number;
  san: string[];
  pem: string;
  'public-key-type': string;
  'public-key-bits': number;
}

const loopbackNames = (extra: string[]) => [
  { type: 7 as const, ip: '127.0.0.1' },
  { type: 2 as const, value: 'localhost' },
  ...extra.map((value) => ({ type: 2 as const, value })),
];

async function makeCa(commonName: string): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
      { name: 'subjectAltName', altNames: loopbackNames([]) },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function makeLeaf(commonName: string, names: string[], ca: KeyPair): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ca: { cert: ca.cert, key: ca.key },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: loopbackNames(names) },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** pve-common PVE::Certificate::get_certificate_info, from a PEM. */
export function certificateInfo(filename: string, pem: string): CertificateInfo {
  const x = new X509Certificate(pem);
  const key = x.publicKey.asymmetricKeyDetails;
  return {
    filename,
    fingerprint: x.fingerprint256,
    subject: x.subject.replace(/\n/g, ','),
    issuer: x.issuer.replace(/\n/g, ','),
    notbefore: Math.floor(Date.parse(x.validFrom) / 1000),
    notafter: Math.floor(Date.parse(x.validTo) / 1000),
    san: (x.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    pem,
    'public-key-type': x.publicKey.asymmetricKeyType === 'ec' ? 'id-ecPublicKey' : String(x.publicKey.asymmetricKeyType),
    'public-key-bits': key?.modulusLength ?? (key?.namedCurve === 'prime256v1' ? 256 : 0),
  };
}

export class ClusterCerts {
  private ca?: Promise<KeyPair>;
  private operatorCa?: Promise<KeyPair>;
  private readonly nodes = new Map<string, Promise<KeyPair>>();
  private readonly custom = new Map<string, Promise<KeyPair>>();

  constructor(private readonly customNodes: () => Set<string>) {}

  /** /etc/pve/pve-root-ca.pem: what vncproxy returns as `cert`. */
  clusterCa(): Promise<KeyPair> {
    return (this.ca ??= makeCa('Proxmox Virtual Environment'));
  }

  /** The issuer of custom node certificates (stands in for Let's Encrypt or a company CA). */
  operatorCaPair(): Promise<KeyPair> {
    return (this.operatorCa ??= makeCa('Operator Issuing CA'));
  }

  /** /etc/pve/nodes/<node>/pve-ssl.pem, signed by the cluster CA. */
  pveSsl(node: string): Promise<KeyPair> {
    let p = this.nodes.get(node);
    if (!p) this.nodes.set(node, (p = this.clusterCa().then((ca) => makeLeaf(node, [node], ca))));
    return p;
  }

  /** /etc/pve/nodes/<node>/pveproxy-ssl.pem when the node has its own certificate. */
  pveproxySsl(node: string): Promise<KeyPair> | undefined {
    if (!this.customNodes().has(node)) return undefined;
    let p = this.custom.get(node);
    if (!p)
      this.custom.set(node, (p = this.operatorCaPair().then((ca) => makeLeaf(`${node}.example.net`, [node, `${node}.example.net`], ca))));
    return p;
  }

  /** What the node's pveproxy and TLS console listener present: pveproxy-ssl.pem, else pve-ssl.pem. */
  served(node: string): Promise<KeyPair> {
    return this.pveproxySsl(node) ?? this.pveSsl(node);
  }

  /** GET /nodes/{node}/certificates/info: root CA, pve-ssl.pem and (if present) pveproxy-ssl.pem. */
  async info(node: string): Promise<CertificateInfo[]> {
    const list = [
      certificateInfo('pve-root-ca.pem', (await this.clusterCa()).cert),
      certificateInfo('pve-ssl.pem', (await this.pveSsl(node)).cert),
    ];
    const custom = this.pveproxySsl(node);
    if (custom) list.push(certificateInfo('pveproxy-ssl.pem', (await custom).cert));
    return list;
  }
}
