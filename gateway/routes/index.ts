// Every gateway endpoint, by area. Each area file declares its routes with defineRoute.
import type { RouteDef } from '../http/route.ts';
import { healthRoutes } from './health.ts';

export const allRoutes: RouteDef[] = [...healthRoutes] as RouteDef[];
