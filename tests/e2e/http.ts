import { expect, request, type APIRequestContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
// devalue comes with @sveltejs/kit (it is how __data.json is encoded), so it is always installed.
import { unflatten } from 'devalue';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from './fixtures';
import { DATABASE_OF_THIS_WORKER, PORT_OF_THIS_WORKER } from './servers';

/**
 * Plain HTTP clients for attacks that a browser would not send (wrong content types, truncated
 * bodies, forged redirects). Same server, same cookies as a user's; no page involved.
 */
export const BASE_URL = `http://127.0.0.1:${PORT_OF_THIS_WORKER}`;

/** The database this worker's e2e server runs on (see servers.ts), read-only, to check for writes. */
// Relative to the repository (as the config's web server reads it), or absolute (`/tmp/e2e-NAME.db`).
export const DB_PATH = resolve(fileURLToPath(new URL('../../', import.meta.url)), DATABASE_OF_THIS_WORKER);

export async function client(username?: string): Promise<APIRequestContext> {
	// Like a browser: an Origin header (SvelteKit refuses cross-site form posts without one) and HTML
	// preferred (otherwise SvelteKit answers form posts in JSON).
	const ctx = await request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { origin: BASE_URL, accept: 'text/html' }, maxRedirects: 0 });
	if (username) {
		const res = await ctx.post('/login', { form: { username, password: DEMO_PASSWORD } });
		expect(res.status(), `sign in as ${username}`).toBe(303);
	}
	return ctx;
}

/** A page's server data as the browser receives it (`__data.json`), decoded. */
export async function pageData(ctx: APIRequestContext, path: string, search = ''): Promise<{ raw: string; data: Record<string, unknown>[] }> {
	const res = await ctx.get(`${path.replace(/\/$/, '')}/__data.json${search}`);
	expect(res.status(), path).toBe(200);
	const raw = await res.text();
	const nodes = (JSON.parse(raw) as { nodes: ({ type: string; data: unknown[] } | null)[] }).nodes;
	return { raw, data: nodes.map((n) => (n?.type === 'data' ? ((unflatten(n.data) as Record<string, unknown> | null) ?? {}) : {})) };
}

/**
 * An account's id, found by its identifier through the administrators' accounts page (`?q=`: the page
 * lists 50 accounts at a time, so a test cannot count on finding someone on its first page).
 */
export async function accountId(admin: APIRequestContext, username: string): Promise<string> {
	const { data } = await pageData(admin, `/admin/users`, `?q=${encodeURIComponent(username)}`);
	const users = data.flatMap((node) => (Array.isArray(node.users) ? (node.users as { id: string; username: string }[]) : []));
	const id = users.find((u) => u.username === username)?.id;
	expect(id, `the account ${username}`).toBeTruthy();
	return id!;
}

/** `accountId` for several people: identifier → id. */
export async function accountIds(admin: APIRequestContext, usernames: readonly string[]): Promise<Map<string, string>> {
	return new Map(await Promise.all([...new Set(usernames)].map(async (u) => [u, await accountId(admin, u)] as const)));
}

/**
 * An HTML page's text as a browser reads it, for checks on the bytes the server sent: the server's
 * build names each character above U+00FF as a numeric reference (`l&#8217;ombre`; see
 * src/build/one-byte-page.ts), which this turns back into the character.
 */
export const readable = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));

/**
 * The demo residence L’Aventurière, from the home page's link to it: found by its name, since other
 * specs give the same people roles in residences of their own (the policy matrix's), listed beside it.
 */
export async function residenceId(ctx: APIRequestContext, name = 'L’Aventurière'): Promise<string> {
	const html = await (await ctx.get('/')).text();
	const links = [...html.matchAll(/href="\/r\/([A-Za-z0-9_-]+)"[^>]*>([\s\S]*?)<\/a>/g)];
	const id = links.find(([, , text]) => readable(text!).includes(name))?.[1];
	expect(id, `a link to ${name} on the home page`).toBeTruthy();
	return id!;
}

/**
 * Row counts of every table: unchanged counts mean a refused request wrote nothing. Left out is what
 * the mail worker writes on its own clock (every 30 s, for notifications an earlier spec on this
 * server left; tests/e2e/reads.spec.ts leaves it out too): its outbox rows, counted here only for the
 * account e-mails a request asks for (`reset`, `verify`: account-mail.ts), and its unsubscribe keys
 * (only the mail pass makes one). A count of the whole outbox failed a refused upload's check once,
 * five digests having been queued in the middle of it.
 */
export function rowCounts(): Record<string, number> {
	return (counting ??= countEveryTable()).get() as Record<string, number>;
}

/**
 * One read-only connection for this worker and one statement for every table's count, prepared once
 * (the server has migrated before any test runs): the fuzzer reads the counts before and after each of
 * its ~3,600 requests, and opening the file and preparing ~70 statements each time made that test take
 * 86 s instead of 35. Each run of the statement reads the latest commit, as a fresh connection did.
 */
let counting: Database.Statement | undefined;
function countEveryTable(): Database.Statement {
	const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
	const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'").all() as { name: string }[];
	const counted = tables.filter(({ name }) => name !== 'mail_keys');
	const count = (name: string) => (name === 'mail_outbox' ? `(select count(*) from "mail_outbox" where purpose in ('reset', 'verify'))` : `(select count(*) from "${name}")`);
	return db.prepare(`select ${counted.map(({ name }) => `${count(name)} as "${name}"`).join(', ')}`);
}

/** Joins a proposal's live description over socket.io as this client's user: the ack says whether, and whether read-only. */
export async function joinDescription(ctx: APIRequestContext, proposalId: string): Promise<{ ok: boolean; code?: string; data?: { readOnly: boolean } }> {
	const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
	const socket = io(BASE_URL, { extraHeaders: { cookie, origin: BASE_URL }, transports: ['websocket'], forceNew: true, reconnection: false });
	try {
		return await socket.timeout(10_000).emitWithAck('collab.join', { doc: `proposal:${proposalId}:description` });
	} finally {
		socket.disconnect();
	}
}

/** The id of the demo's governance body, the LCP network's steering committee (meetings and minutes). */
export function lcpCommitteeId(): string {
	const db = new Database(DB_PATH, { readonly: true });
	try {
		return (db.prepare("select id from bodies where name = 'Comité de pilotage du réseau des LCP'").get() as { id: string }).id;
	} finally {
		db.close();
	}
}

/** The id of the demo's residence L’Aventurière (Amina's and Karim's). */
export function aventuriereId(): string {
	const db = new Database(DB_PATH, { readonly: true });
	try {
		return (db.prepare("select id from residences where name = 'L’Aventurière'").get() as { id: string }).id;
	} finally {
		db.close();
	}
}
