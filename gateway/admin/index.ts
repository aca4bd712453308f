// Every /v1/admin/* route of the addon pages (issue 12), signed, the admin named by ?actor=.
import type { RouteDef } from '../http/route.ts';
import { auditRoutes } from './audit-log.ts';
import { cronRoutes } from './cron.ts';
import { dashboardRoutes } from './dashboard.ts';
import { ipPoolRoutes } from './ip-pools.ts';
import { settingsRoutes } from './settings.ts';
import { vmRoutes } from './vms.ts';

export const adminApiRoutes: RouteDef[] = [
  ...dashboardRoutes,
  ...ipPoolRoutes,
  ...vmRoutes,
  ...settingsRoutes,
  ...cronRoutes,
  ...auditRoutes,
];
