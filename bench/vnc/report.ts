// The markdown summary of a bench:vnc run: one row per figure, one column per target, and
// the issue's targets for pvebridge judged from the same run's anchors.
export interface Figure {
  bench: 'vnc';
  target: 'raw' | 'websockify' | 'pvebridge';
  metric: string;
  sessions: number;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

type Get = (target: Figure['target'], metric: string, sessions?: number) => number | undefined;

const goals: Array<{ label: string; check(get: Get): { ok: boolean; detail: string } | undefined }> = [
  ...[1, 4, 16].map((n) => ({
    label: `upload ×${n}: ≥ 4× websockify and ≥ 60 % raw`,
    check: (get: Get) => {
      const [p, w, r] = [
        get('pvebridge', 'upload_throughput', n),
        get('websockify', 'upload_throughput', n),
        get('raw', 'upload_throughput', n),
      ];
      if (p === undefined || w === undefined || r === undefined) return undefined;
      return { ok: p >= 4 * w && p >= 0.6 * r, detail: `${(p / w).toFixed(2)}× websockify, ${((100 * p) / r).toFixed(0)} % raw` };
    },
  })),
  ...[1, 4, 16].map((n) => ({
    label: `download ×${n}: ≥ 1.2× websockify`,
    check: (get: Get) => {
      const [p, w] = [get('pvebridge', 'download_throughput', n), get('websockify', 'download_throughput', n)];
      if (p === undefined || w === undefined) return undefined;
      return { ok: p >= 1.2 * w, detail: `${(p / w).toFixed(2)}× websockify` };
    },
  })),
  {
    label: 'RTT p99 ≤ raw + 0.3 ms',
    check: (get) => {
      const [p, r] = [get('pvebridge', 'rtt_64b_p99'), get('raw', 'rtt_64b_p99')];
      if (p === undefined || r === undefined) return undefined;
      return { ok: p <= r + 0.3, detail: `raw + ${(p - r).toFixed(3)} ms` };
    },
  },
  {
    label: '≤ 64 KB per idle session',
    check: (get) => {
      const p = get('pvebridge', 'memory_per_idle_session');
      return p === undefined ? undefined : { ok: p * 1024 <= 64_000, detail: `${p} KiB` };
    },
  },
  {
    label: '≥ 1000 setups/s',
    check: (get) => {
      const p = get('pvebridge', 'setups_per_second');
      return p === undefined ? undefined : { ok: p >= 1000, detail: `${p}/s` };
    },
  },
  {
    label: 'stalled-reader growth ≤ 16 MiB',
    check: (get) => {
      const p = get('pvebridge', 'stalled_reader_growth');
      return p === undefined ? undefined : { ok: p <= 16, detail: `${p} MiB` };
    },
  },
];

export function printTable(figures: Figure[], env: { cpus: number; cpu: string; node: string }): void {
  const get: Get = (target, metric, sessions) =>
    figures.find((f) => f.target === target && f.metric === metric && (sessions === undefined || f.sessions === sessions))?.value;
  const rows = new Map<string, Figure[]>();
  for (const f of figures) {
    if (f.metric === 'bench_wall_time') continue;
    const key = /_(throughput|proxy_cpu)$/.test(f.metric) ? `${f.metric} ×${f.sessions}` : f.metric;
    rows.set(key, [...(rows.get(key) ?? []), f]);
  }
  const cell = (fs: Figure[], t: Figure['target']) => {
    const f = fs.find((x) => x.target === t);
    return f ? `${f.value}${/_(throughput|proxy_cpu)$/.test(f.metric) ? '' : ` (n=${f.sessions})`}` : '—';
  };
  const out = [
    '',
    `bench:vnc on ${env.cpus} × ${env.cpu}, Node ${env.node}; client, proxies and upstreams share the machine.`,
    '',
    '| figure | unit | raw TCP | websockify 0.10 | pvebridge |',
    '| --- | --- | --- | --- | --- |',
    ...[...rows].map(([k, fs]) => `| ${k} | ${fs[0]!.unit} | ${cell(fs, 'raw')} | ${cell(fs, 'websockify')} | ${cell(fs, 'pvebridge')} |`),
    '',
    '| target | result | measured |',
    '| --- | --- | --- |',
    ...goals.map((g) => {
      const r = g.check(get);
      return `| ${g.label} | ${r ? (r.ok ? 'met' : 'MISSED') : 'n/a'} | ${r?.detail ?? ''} |`;
    }),
    '',
  ];
  process.stdout.write(out.join('\n'));
}
