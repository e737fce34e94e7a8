/**
 * Test support: real SQLite files in a temporary folder, a controllable clock, and a real
 * socket.io server on a loopback port. No mocks of our own code paths.
 */
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role, SpaceType } from '$lib/domain/policy';
import { hashPassword } from '../auth/password';
import { createSession, generateSessionToken, loadActor, SESSION_COOKIE, type SessionUser } from '../auth/session';
import { openDatabase } from '../db';
import { MIGRATIONS } from '../db/migrations';
import { postgresData, sqliteData } from '../db/data';
import { refusedSqliteHandle } from '../db/open';
import { freshPostgres, migrationsHash } from './postgres';
import type { Clock } from '../ids';
import { randomIds } from '../ids';
import { createLocalBus } from '../realtime/bus';
import type { CollabHub } from '../realtime/collab-hub';
import { attachRealtime, type IoServer, type Realtime, type RealtimeOptions } from '../realtime/hub';
import { createServices, type Services } from '../services';

export class TestClock implements Clock {
	#t: number;
	constructor(start = Date.UTC(2026, 10, 22, 9, 0, 0)) {
		this.#t = start;
	}
	now() {
		return new Date(this.#t);
	}
	advance(ms: number) {
		this.#t += ms;
	}
}

export interface TestApp {
	services: Services;
	clock: TestClock;
	/** The engine this app runs on (`createTestAppOn`). */
	engine: TestEngine;
	dir: string;
	/** SQLite: the database file; PostgreSQL: the test database's URL. */
	file: string;
	/** Closes the database (SQLite: at once; PostgreSQL: ends the pool and drops the database). */
	close(): Promise<void>;
}

export type TestEngine = 'sqlite' | 'postgres';

/**
 * The engines service and integration suites run on: both by default; `TEST_ENGINES=sqlite` (or
 * `postgres`) narrows a run to one while working.
 */
export const testEngines: TestEngine[] = (process.env.TEST_ENGINES ?? 'sqlite,postgres')
	.split(',')
	.map((e) => e.trim())
	.filter((e): e is TestEngine => e === 'sqlite' || e === 'postgres');

// A short ballot-box window: tests of single secret votes need not wait a second for their group.
const testOptions = { consultations: { ballotBox: { windowMs: 5, tallyEveryMs: 5 } } };

/**
 * Migrating a SQLite file takes a few hundred milliseconds; copying a migrated one does not (the same
 * idea as the PostgreSQL template of testing/postgres.ts). The first test process on the machine
 * migrates a template named after the migrations it holds; every test app then opens its own copy,
 * through the same `openDatabase` as the app (which finds every migration applied). Built under a
 * name of its own and renamed into place, so parallel test processes never copy half a template.
 */
let sqliteTemplate: string | undefined;
function migratedSqliteTemplate(): string {
	if (sqliteTemplate && existsSync(sqliteTemplate)) return sqliteTemplate;
	const template = join(tmpdir(), `tib-sqlite-tpl-${migrationsHash(MIGRATIONS.sqlite())}.db`);
	if (!existsSync(template)) {
		const dir = mkdtempSync(join(tmpdir(), 'tib-tpl-'));
		const building = openDatabase(join(dir, 'template.db'));
		// Closing the last connection checkpoints the WAL into the file and removes it: one whole file.
		building.$client.close();
		renameSync(join(dir, 'template.db'), template);
		rmSync(dir, { recursive: true, force: true });
	}
	return (sqliteTemplate = template);
}

export function createTestApp(): TestApp {
	const dir = mkdtempSync(join(tmpdir(), 'tib-test-'));
	const file = join(dir, 'app.db');
	copyFileSync(migratedSqliteTemplate(), file);
	const db = openDatabase(file);
	const clock = new TestClock();
	const data = sqliteData(db);
	const services = createServices({ db, data, clock, ids: randomIds, bus: createLocalBus() }, testOptions);
	return {
		services,
		clock,
		engine: 'sqlite',
		dir,
		file,
		async close() {
			await services.settled();
			await data.close();
			db.$client.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}


/** A test app on the given engine: a SQLite file, or a fresh PostgreSQL database (testing/postgres.ts). */
export async function createTestAppOn(engine: TestEngine): Promise<TestApp> {
	if (engine === 'sqlite') return createTestApp();
	const dir = mkdtempSync(join(tmpdir(), 'tib-test-'));
	const pgdb = await freshPostgres('app');
	const clock = new TestClock();
	const data = postgresData(pgdb.db);
	const services = createServices({ db: refusedSqliteHandle(), data, clock, ids: randomIds, bus: createLocalBus() }, testOptions);
	return {
		services,
		clock,
		engine,
		dir,
		file: pgdb.url,
		async close() {
			await services.settled();
			await pgdb.drop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

let cachedHash: Promise<string> | undefined;
/** scrypt is deliberately slow; fixtures share one hash of TEST_PASSWORD. */
export const TEST_PASSWORD = 'test-password-123';
const testHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

export interface UserFixture {
	username?: string;
	displayName?: string;
	isAdmin?: boolean;
	householdId?: string | null;
	roles?: { type: SpaceType; id: string; role: Role; collegeId?: string }[];
}

/** Inserts a user with memberships directly (fixtures, not the behaviour under test), on either engine. */
export async function createUser(app: TestApp, fixture: UserFixture = {}): Promise<SessionUser> {
	const { data, ids } = app.services.deps;
	const { users, memberships } = data.t;
	const id = ids.id();
	const now = app.clock.now();
	const username = fixture.username ?? `user-${id}`;
	const passwordHash = await testHash();
	await data.write(async (tx) => {
		await tx.insert(users).values({
			id,
			username,
			email: username.includes('@') ? username : null,
			displayName: fixture.displayName ?? username,
			passwordHash,
			isAdmin: fixture.isAdmin ?? false,
			householdId: fixture.householdId ?? null,
			createdAt: now,
			passwordChangedAt: now
		});
		for (const r of fixture.roles ?? [])
			await tx.insert(memberships).values({ id: ids.id(), userId: id, spaceType: r.type, spaceId: r.id, role: r.role, collegeId: r.collegeId ?? null, createdAt: now });
	});
	return (await loadActor(data, id))!;
}

/** A signed-in session for a user, as the Cookie header a browser would send (either engine). */
export async function sessionCookie(app: TestApp, userId: string): Promise<string> {
	const { data, clock, ids } = app.services.deps;
	const token = generateSessionToken(ids);
	await createSession(data, clock, token, userId);
	return `${SESSION_COOKIE}=${token}`;
}

/** A free loopback port, for a server a test starts itself (its own Redis or PostgreSQL). */
export function sparePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createNetServer();
		s.listen(0, '127.0.0.1', () => {
			const p = (s.address() as AddressInfo).port;
			s.close(() => resolve(p));
		});
		s.on('error', reject);
	});
}

export interface RealtimeServer {
	url: string;
	io: IoServer;
	/** The server's live collaborative documents (the realtime layer's Yjs hub). */
	collab: CollabHub;
	/** Who is online in a user's spaces, for a server-rendered page (`Realtime.onlineFor`). */
	onlineFor: Realtime['onlineFor'];
	http: HttpServer;
	close(): Promise<void>;
}

export async function startRealtimeServer(app: TestApp, options: RealtimeOptions = {}): Promise<RealtimeServer> {
	const http = createServer((_req, res) => {
		res.statusCode = 404;
		res.end();
	});
	const { io, collab, onlineFor } = attachRealtime(http, app.services, options);
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		io,
		collab,
		onlineFor,
		http,
		close: () => new Promise<void>((resolve) => void io.close(() => resolve()))
	};
}

/** A minimal residence with buildings and households, created through the admin service. */
export async function createResidence(app: TestApp, buildings: { name: string; dwellings: number }[] = [{ name: 'Bâtiment A', dwellings: 4 }]) {
	const admin = await createUser(app, { isAdmin: true, username: `admin-${app.services.deps.ids.id()}@test.local` });
	const org = await app.services.admin.createOrganisation(admin, { name: `Bailleur ${app.services.deps.ids.id()}`, kind: 'landlord' });
	const residence = await app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Résidence test', buildings });
	return { admin, org, residence };
}
