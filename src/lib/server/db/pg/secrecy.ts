/**
 * What PostgreSQL itself could reveal about secret ballots, read from the server's settings.
 *
 * The schema carries no time, sequence or link on a ballot (`schema-votes.ts`, tested), but the
 * server may add its own: with `track_commit_timestamp = on`, `pg_xact_commit_timestamp(xmin)` gives
 * every row's commit time, which would date each group of ballots; logical decoding (`wal_level =
 * logical`) and WAL archiving keep a readable history of every write (the ballot pool's shuffled
 * group inserts included) beyond the database files. These are returned as findings for the
 * operator; none is on by default in Debian's PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import type { PgDb } from '../postgres';

export async function secrecyFindings(db: PgDb): Promise<string[]> {
	const { rows } = await db.execute<{ name: string; setting: string }>(
		sql`select name, setting from pg_settings where name in ('track_commit_timestamp', 'wal_level', 'archive_mode')`
	);
	const s = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
	const findings: string[] = [];
	if (s.track_commit_timestamp === 'on')
		findings.push('track_commit_timestamp is on: every row, ballots included, carries its commit time. Turn it off.');
	if (s.wal_level === 'logical') findings.push('wal_level is logical: a replication slot can read every ballot write in order.');
	if (s.archive_mode && s.archive_mode !== 'off')
		findings.push('archive_mode is on: archived WAL keeps replaced ballots and erased assisted choices; protect and expire the archive.');
	return findings;
}
