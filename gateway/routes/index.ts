// Every gateway endpoint, by area. Each area file declares its routes with defineRoute.
import type { RouteDef } from '../http/route.ts';
import { adminApiRoutes } from '../admin/index.ts';
import { dnsZoneRoutes } from '../admin/dns-zones.ts';
import { adminRoutes } from '../admin/vm-log.ts';
import { vmActionRoutes } from '../admin/vm-actions.ts';
import { consoleRoutes } from '../console/routes.ts';
import { healthRoutes } from './health.ts';
import { whmcsRoutes } from '../whmcs/routes.ts';

export const allRoutes: RouteDef[] = [
  ...healthRoutes,
  ...adminRoutes,
  ...vmActionRoutes,
  ...dnsZoneRoutes,
  ...adminApiRoutes,
  ...whmcsRoutes,
  ...consoleRoutes,
] as RouteDef[];
