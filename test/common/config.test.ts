import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, variables } from '../../common/config.ts';

const bad = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('defaults to embedded SQLite under ./data and loopback listeners', () => {
    const c = loadConfig({});
    expect(c.dbUrl).toBe('sqlite:./data/pvebridge.sqlite');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.vncListen).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(c.vncAllowedOrigins).toEqual(['http://127.0.0.1:8081']);
  });

  it('accepts MySQL URLs and SQLite paths', () => {
    expect(loadConfig({ PVEBRIDGE_DB_URL: 'mysql://whmcs:pw@db:3306/whmcs' }).dbUrl).toMatch(/^mysql:/);
    expect(loadConfig({ PVEBRIDGE_DB_URL: './x/y.sqlite' }).dbUrl).toBe('./x/y.sqlite');
  });

  it('names the variable and the expected form for a bad database URL', () => {
    const err = bad({ PVEBRIDGE_DB_URL: 'nonsense' });
    expect(err.variable).toBe('PVEBRIDGE_DB_URL');
    expect(err.message).toMatch(/PVEBRIDGE_DB_URL must be mysql:\/\/user:password@host/);
  });

  it('refuses short secrets without echoing them', () => {
    const err = bad({ PVEBRIDGE_SHARED_SECRET: 'hunter2' });
    expect(err.variable).toBe('PVEBRIDGE_SHARED_SECRET');
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses a listen address without a port or with a port above 65535', () => {
    expect(bad({ PVEBRIDGE_LISTEN: 'localhost' }).variable).toBe('PVEBRIDGE_LISTEN');
    expect(bad({ PVEBRIDGE_VNC_LISTEN: '127.0.0.1:70000' }).variable).toBe('PVEBRIDGE_VNC_LISTEN');
  });

  it('requires what a command needs, naming it', () => {
    expect(() => loadConfig({}, ['PVEBRIDGE_SHARED_SECRET'])).toThrow(/PVEBRIDGE_SHARED_SECRET must be set/);
  });

  it('documents every variable in docs/configuration.md', () => {
    const doc = fs.readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const name of Object.keys(variables)) expect(doc, name).toContain(`\`${name}\``);
    const documented = [...doc.matchAll(/^\| `(PVEBRIDGE_\w+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(variables).sort());
  });
});
