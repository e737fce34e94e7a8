import { OPEN_DATA_SCHEMA } from '$lib/server/services/indicators/exports';
import type { RequestHandler } from './$types';

/** The documented schema of the open-data export: public, it describes a shape, not data. */
export const GET: RequestHandler = () =>
	new Response(`${JSON.stringify(OPEN_DATA_SCHEMA, null, 2)}\n`, { headers: { 'content-type': 'application/schema+json; charset=utf-8', 'x-content-type-options': 'nosniff' } });
