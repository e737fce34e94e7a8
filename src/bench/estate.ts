/**
 * Pages at the size of a large estate (issue 15, pages): the demo with L’Aventurière grown to
 * BENCH_ESTATE_MEMBERS more tenants (2,000), BENCH_ESTATE_IDEAS ideas (800) with supports and comments,
 * and BENCH_ESTATE_VOTES closed votes (10) in which every tenant voted, all written through the
 * services; then the built server on that file, and the pages its people open, as a tenant, a
 * facilitator and the administrator: the HTML each page weighs and the median time of five warm
 * requests (the first one apart). A page whose weight grows with the number of members or ideas shows
 * here: the residence page was 1.2 MB for a facilitator at 2,000 members before its members came 50 at
 * a time, the register 1.7 MB, the assisted-vote form took 260 ms; the board 1.7 MB (2.5 MB for a
 * facilitator) before it showed the top 30 cards of each column.
 *
 *   npm run bench -- estate        BENCH_ESTATE_MEMBERS=2000 BENCH_ESTATE_IDEAS=800 BENCH_ESTATE_VOTES=10
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { createSession, generateSessionToken, loadActor, SESSION_COOKIE, type SessionUser } from '../lib/server/auth/session';
import { openDataStore } from '../lib/server/db/open';
import { seedDemo } from '../lib/server/demo/seed';
import { randomIds, systemClock } from '../lib/server/ids';
import { createLocalBus } from '../lib/server/realtime/bus';
import { createServices } from '../lib/server/services';
import { SERVER_NODE_ARGS } from '../cli/server-node.mjs';
import type { BenchRow } from './row';

const MEMBERS = Number(process.env.BENCH_ESTATE_MEMBERS ?? 2000);
const IDEAS = Number(process.env.BENCH_ESTATE_IDEAS ?? 800);
const VOTES = Number(process.env.BENCH_ESTATE_VOTES ?? 10);
const PORT = 3981;
const REQUESTS = 6;

/** The demo's L’Aventurière at the size of a large estate, and a session for each account the pages are read as. */
async function grow(file: string) {
	const opened = await openDataStore(file, { poolSize: 4 });
	const services = createServices({ db: opened.db, data: opened.data, clock: systemClock, ids: randomIds, bus: createLocalBus() });
	try {
		await seedDemo(services);
		const { db, t } = opened.data;
		const [residence] = await db.select().from(t.residences).where(eq(t.residences.name, 'L’Aventurière'));
		if (!residence) throw new Error('demo data without L’Aventurière');
		const account = async (username: string) => (await db.select().from(t.users).where(eq(t.users.username, username)))[0]!;
		const [amina, claire, admin] = [await account('amina'), await account('claire.martin@lmh.demo'), await account('admin@demo.test')];
		const facilitator = (await loadActor(opened.data, claire.id))!;
		const homes = (await db.select({ id: t.households.id }).from(t.households).where(eq(t.households.residenceId, residence.id)).orderBy(asc(t.households.id))).map((h) => h.id);
		const now = new Date();
		const ids: string[] = [];
		// The tenants themselves are fixtures (one unit); everything they do goes through the services.
		await opened.data.write(async (tx) => {
			for (let i = 0; i < MEMBERS; i++) {
				const id = randomIds.id();
				ids.push(id);
				await tx.insert(t.users).values({ id, username: `estate-${i}`, displayName: `Locataire ${i + 1}`, passwordHash: '-', householdId: homes[i % homes.length]!, createdAt: now, passwordChangedAt: now });
				await tx.insert(t.memberships).values({ id: randomIds.id(), userId: id, spaceType: 'residence', spaceId: residence.id, role: 'tenant', createdAt: now });
			}
		});
		const tenants: SessionUser[] = [];
		for (const id of ids) tenants.push((await loadActor(opened.data, id))!);
		const ideas: string[] = [];
		for (let i = 0; i < IDEAS; i++) {
			const created = await services.proposals.propose(tenants[i % tenants.length]!, {
				residenceId: residence.id,
				title: `Idée numéro ${i + 1} pour la résidence`,
				description: 'Un banc à l’ombre près de l’aire de jeux, pour que les parents puissent s’asseoir.',
				category: 'furniture'
			});
			ideas.push(created.id);
		}
		for (const [k, proposalId] of ideas.entries()) {
			for (let j = 0; j < (k * 7919) % 60; j++) await services.proposals.setSupport(tenants[(k + j * 13) % tenants.length]!, { proposalId, on: true });
			if (k % 3 === 0) for (let j = 0; j < 4; j++) await services.proposals.comment(tenants[(k * 3 + j) % tenants.length]!, { proposalId, body: `Très bonne idée, je soutiens (${j + 1})` });
		}
		const votes: string[] = [];
		for (let v = 0; v < VOTES; v++) {
			const { id } = await services.consultations.create(facilitator, {
				space: { type: 'residence', id: residence.id },
				question: `Quel aménagement en priorité ? (${v + 1})`,
				method: 'plurality',
				options: [{ label: 'Bancs' }, { label: 'Jardin' }, { label: 'Jeux' }, { label: 'Éclairage' }],
				electorate: 'residence',
				countBy: 'person',
				secrecy: v % 2 ? 'secret' : 'public',
				resultsVisibility: 'live',
				openNow: true
			});
			const options = (await services.consultations.view(facilitator, id)).options.map((o) => o.id);
			let next = 0;
			// The last one stays open with half of the tenants yet to vote (its "Gérer le vote" asks for a name).
			const voters = v < VOTES - 1 ? tenants.length : Math.ceil(tenants.length / 2);
			const voter = async () => {
				while (next < voters) {
					const i = next++;
					await services.consultations.cast(tenants[i]!, { consultationId: id, ballot: { choice: options[i % options.length] } });
				}
			};
			await Promise.all(Array.from({ length: 50 }, voter));
			if (v < VOTES - 1) await services.consultations.close(facilitator, { consultationId: id });
			votes.push(id);
		}
		await services.consultations.flushBallotBox();
		await services.settled();
		const cookies = { tenant: '', facilitator: '', admin: '' };
		for (const [name, user] of [['tenant', amina], ['facilitator', claire], ['admin', admin]] as const) {
			const token = generateSessionToken(randomIds);
			await createSession(opened.data, systemClock, token, user.id);
			cookies[name] = `${SESSION_COOKIE}=${token}`;
		}
		const [closed] = await db.select({ id: t.consultations.id }).from(t.consultations).where(and(eq(t.consultations.spaceId, residence.id), eq(t.consultations.status, 'closed'))).limit(1);
		return { residence: residence.id, idea: ideas[0], closed: closed?.id, open: votes.at(-1), cookies };
	} finally {
		await opened.close();
	}
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function startServer(file: string, dir: string): Promise<ChildProcess> {
	const child = spawn(process.execPath, SERVER_NODE_ARGS, {
		env: { ...process.env, DATABASE_URL: file, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ORIGIN: `http://127.0.0.1:${PORT}`, UPLOAD_DIR: join(dir, 'uploads'), MAIL_LOG: join(dir, 'mail.log') },
		stdio: ['ignore', 'ignore', 'inherit'],
		detached: true
	});
	const stop = () => {
		try {
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	};
	process.once('exit', stop);
	for (let i = 0; i < 300; i++) {
		try {
			if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) return child;
		} catch {
			/* not listening yet */
		}
		await sleep(200);
	}
	stop();
	throw new Error('the built server did not start within 60 s');
}

export async function benchEstate(): Promise<BenchRow[]> {
	if (!existsSync('build/handler.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-estate-'));
	const file = join(dir, 'app.db');
	const started = performance.now();
	const at = await grow(file);
	const rows: BenchRow[] = [
		{ name: `the estate: ${MEMBERS} more tenants, ${IDEAS} ideas, ${VOTES} votes of as many ballots (built in)`, value: (performance.now() - started) / 1000, unit: 's' }
	];
	const server = await startServer(file, dir);
	try {
		const r = `/r/${at.residence}`;
		const pages: ['tenant' | 'facilitator' | 'admin', string, string][] = [
			['tenant', 'residence page', r],
			['tenant', 'board', `${r}/board`],
			// What a long column's link shows: all 800 ideas at once, the page as every board was before.
			['tenant', 'board, its whole column of ideas', `${r}/board?col=idea&all=idea`],
			['tenant', 'an idea', `${r}/board/p/${at.idea}`],
			['tenant', 'board projector', `${r}/board/projector`],
			['tenant', 'site plan', `${r}/board/plan`],
			['tenant', 'votes', `${r}/consultations`],
			['tenant', 'a closed vote’s results', `/c/${at.closed}/results`],
			['tenant', 'register', `${r}/register`],
			['facilitator', 'residence page', r],
			['facilitator', 'board', `${r}/board`],
			['facilitator', 'register', `${r}/register`],
			['facilitator', 'an open vote’s “Gérer le vote”', `/c/${at.open}/manage`],
			['facilitator', '“Gérer le vote”, someone found by name', `/c/${at.open}/manage?qui=${encodeURIComponent('Locataire 1999')}`],
			['facilitator', 'indicators', `/indicators/residence/${at.residence}`],
			['admin', 'accounts', '/admin/users']
		];
		for (const [who, label, path] of pages) {
			const times: number[] = [];
			let bytes = 0;
			for (let i = 0; i < REQUESTS; i++) {
				const t0 = performance.now();
				const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { headers: { cookie: at.cookies[who] }, redirect: 'manual' });
				const body = await res.arrayBuffer();
				if (res.status !== 200) throw new Error(`${path} as ${who}: ${res.status}`);
				bytes = body.byteLength;
				times.push(performance.now() - t0);
			}
			const warm = times.slice(1).sort((a, b) => a - b);
			rows.push({ name: `${label}, as the ${who}: HTML`, value: bytes / 1024, unit: 'KB' });
			rows.push({ name: `${label}, as the ${who}: median of ${REQUESTS - 1} warm requests`, value: warm[Math.floor(warm.length / 2)]!, unit: 'ms' });
		}
	} finally {
		try {
			if (server.pid) process.kill(-server.pid, 'SIGTERM');
		} catch {
			/* already gone */
		}
		await sleep(500);
		rmSync(dir, { recursive: true, force: true });
	}
	return rows;
}
