// The ordered list of our migrations. Append only: a released migration never changes.
import type { Knex } from 'knex';
import * as core from './001_core.ts';
import * as pipelines from './003_pipelines.ts';
import * as console_ from './004_console.ts';
import * as admin from './007_admin.ts';
import * as liveState from './005_live_state.ts';
import * as dns from './006_dns.ts';
import * as reliability from './008_reliability.ts';
import * as poolRouting from './009_pool_routing.ts';

export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

export const migrations: Migration[] = [core, pipelines, console_, admin, liveState, dns, reliability, poolRouting];
