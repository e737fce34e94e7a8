/**
 * kill -9 on the batching path: a child process casts secret votes through the group-committed
 * ballot box and reports each acknowledgement; it is killed with SIGKILL mid-stream. Every vote it
 * acknowledged must be in the database afterwards, with its ballot (as many ballots as participations),
 * and its trace of participation written or still queued for the next fold.
 */
import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '$lib/server/testing';
import { killMidStream } from '$lib/server/testing/sigkill';
import { foldVoteTraces } from '$lib/server/services/indicators/vote-traces';
import { secretVote } from './fixture';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(() => app.close());

describe('ballot box under kill -9', () => {
	it('every acknowledged vote survives a SIGKILL in the middle of group commits, and so does its trace of participation', async () => {
		const s = await secretVote(app, 400);
		const args = JSON.stringify({ file: app.file, consultationId: s.id, voterIds: s.voters.map((v) => v.id), options: s.options });
		// Killed mid-stream: some votes acknowledged, others waiting in the box or in the middle of a commit.
		const { acked, signal } = await killMidStream(resolve(import.meta.dirname, 'crash-child.ts'), args, 60);
		expect(signal).toBe('SIGKILL');
		expect(acked.length).toBeGreaterThanOrEqual(60);
		expect(acked.length).toBeLessThan(400);

		const db = new Database(app.file, { readonly: true });
		const voted = new Set((db.prepare('select user_id as id from participations where consultation_id = ?').all(s.id) as { id: string }[]).map((r) => r.id));
		const ballots = (db.prepare('select count(*) as n from ballots where consultation_id = ?').get(s.id) as { n: number }).n;
		db.close();
		for (const id of acked) expect(voted.has(id), `acknowledged vote of ${id} lost`).toBe(true);
		expect(ballots).toBe(voted.size);

		// Each vote's trace of participation is written or still queued, whatever fold the kill fell in;
		// the next fold (the server's start runs one) writes the rest, once each.
		const traced = () => {
			const file = new Database(app.file, { readonly: true });
			try {
				return file
					.prepare(
						"select p.user_id as id, (select count(*) from participation_traces t where t.kind = 'voted' and t.source_id = p.id and t.user_id = p.user_id) as traces, (select count(*) from participation_trace_queue q where q.participation_id = p.id) as queued from participations p where p.consultation_id = ?"
					)
					.all(s.id) as { id: string; traces: number; queued: number }[];
			} finally {
				file.close();
			}
		};
		const afterKill = traced();
		expect(afterKill).toHaveLength(voted.size);
		for (const row of afterKill) expect(row.traces + row.queued, `trace of ${row.id}`).toBeGreaterThanOrEqual(1);
		expect(afterKill.some((row) => row.traces > 0)).toBe(true);
		await foldVoteTraces(app.services.deps.data);
		for (const row of traced()) expect([row.traces, row.queued], `trace of ${row.id}`).toEqual([1, 0]);
	}, 120_000);
});
