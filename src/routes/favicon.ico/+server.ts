import { redirect } from '@sveltejs/kit';
import { base } from '$app/paths';
import type { RequestHandler } from './$types';

/**
 * Browsers ask for /favicon.ico by themselves where nothing names an icon (a raw JSON file opened in a
 * tab, a bookmark, a feed reader): the same icon as the pages' `<link rel="icon">` (static/favicon.svg).
 */
export const GET: RequestHandler = () => redirect(301, `${base}/favicon.svg`);
