/**
 * The body's chain of published minutes: appending a version (never updating one), reading it, and
 * the public export (`minutes-chain/v1`, checked by `npm run verify-minutes` and the portal's button).
 */
import { asc, desc, eq } from 'drizzle-orm';
import { CHAIN_SCHEMA, sealVersion, VERSION_SCHEMA, type MinutesChainFile, type MinutesVersion } from '$lib/domain/minutes';
import type { Actor } from '$lib/domain/policy';
import { first, type AsyncDb } from '../../db/data';
import type { minutesVersions as versionsTable } from '../../db/schema';
import type { MinutesContext, MeetingRow, MinutesRow } from './context';

type VersionRow = typeof versionsTable.$inferSelect;

export function createPublication(ctx: MinutesContext) {
	const { data, deps } = ctx;
	const { minutes, minutesVersions, users } = ctx.t;

	async function nameOf(userId: string) {
		return (await first(data.db.select({ name: users.displayName }).from(users).where(eq(users.id, userId))))?.name ?? '';
	}

	/**
	 * Seals and appends the next version of the body's chain in one transaction with `also` (the
	 * state move). The sequence and previous hash are read inside the transaction, and the unique
	 * index on (body, sequence) refuses a concurrent second append.
	 */
	async function append(actor: Actor, meeting: MeetingRow, row: MinutesRow, content: string, correction: { previous: VersionRow; what: string; why: string } | null, also: (tx: AsyncDb) => Promise<unknown>) {
		const now = deps.clock.now();
		const body = await ctx.bodyOf(meeting.bodyId);
		const adoptedBy = row.adoptedBy ?? actor.id;
		const adoptedByName = await nameOf(correction ? actor.id : adoptedBy);
		const last = await first(data.db.select().from(minutesVersions).where(eq(minutesVersions.bodyId, meeting.bodyId)).orderBy(desc(minutesVersions.sequence)));
		const version = await sealVersion({
			schema: VERSION_SCHEMA,
			body: { id: meeting.bodyId, name: body?.name ?? '' },
			sequence: (last?.sequence ?? 0) + 1,
			meeting: { id: meeting.id, title: meeting.title, startsAt: meeting.startsAt.toISOString() },
			content,
			adoption: correction
				? { method: 'chair', by: adoptedByName, at: now.toISOString() }
				: { method: row.adoptionMethod ?? 'chair', by: adoptedByName, at: (row.adoptedAt ?? now).toISOString() },
			publishedAt: now.toISOString(),
			corrects: correction ? { sequence: correction.previous.sequence, hash: correction.previous.hash } : null,
			correction: correction ? { what: correction.what, why: correction.why } : null,
			previousHash: last?.hash ?? null
		});
		const id = deps.ids.id();
		// The version is sealed (hashed) before the unit opens: no slow work holds the writer.
		await data.write(async (tx) => {
			const head = await first(tx.select({ hash: minutesVersions.hash }).from(minutesVersions).where(eq(minutesVersions.bodyId, meeting.bodyId)).orderBy(desc(minutesVersions.sequence)));
			if ((head?.hash ?? null) !== version.previousHash) throw new Error('minutes chain moved during publication');
			await tx.insert(minutesVersions).values({
					id,
					bodyId: meeting.bodyId,
					sequence: version.sequence,
					minutesId: row.id,
					meetingId: meeting.id,
					content: version.content,
					hash: version.hash,
					previousHash: version.previousHash,
					record: JSON.stringify(version),
					correctsId: correction?.previous.id ?? null,
					adoptedBy: correction ? actor.id : adoptedBy,
					adoptedAt: correction ? now : (row.adoptedAt ?? now),
					publishedBy: actor.id,
					publishedAt: now
			});
			await also(tx);
			await tx.update(minutes).set({ versionId: id, updatedAt: now }).where(eq(minutes.id, row.id));
		}, { durable: true });
		return version;
	}

	const summary = (v: VersionRow) => ({
		id: v.id,
		sequence: v.sequence,
		meetingId: v.meetingId,
		hash: v.hash,
		previousHash: v.previousHash,
		correctsId: v.correctsId,
		publishedAt: v.publishedAt.getTime(),
		adoptedAt: v.adoptedAt.getTime(),
		record: JSON.parse(v.record) as MinutesVersion
	});

	return {
		append,

		async versionsOfMinutes(minutesId: string) {
			return (await data.db.select().from(minutesVersions).where(eq(minutesVersions.minutesId, minutesId)).orderBy(asc(minutesVersions.sequence))).map(summary);
		},

		/** The body's whole chain (for pages that already checked the reader may see it). */
		async chainOf(bodyId: string) {
			return (await data.db.select().from(minutesVersions).where(eq(minutesVersions.bodyId, bodyId)).orderBy(asc(minutesVersions.sequence))).map(summary);
		},

		/** The export file: the stored records exactly as hashed. */
		async chainFile(bodyId: string): Promise<MinutesChainFile> {
			const body = await ctx.bodyOf(bodyId);
			const rows = await data.db.select({ record: minutesVersions.record }).from(minutesVersions).where(eq(minutesVersions.bodyId, bodyId)).orderBy(asc(minutesVersions.sequence));
			return { schema: CHAIN_SCHEMA, body: { id: bodyId, name: body?.name ?? '' }, versions: rows.map((r) => JSON.parse(r.record) as MinutesVersion) };
		}
	};
}
