// `pvebridge sim`: not built yet (see the open issues); says so and exits non-zero.
export async function run(): Promise<number> {
  process.stderr.write('pvebridge sim: not built yet in this version\n');
  return 3;
}
