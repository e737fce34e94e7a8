/** Anonymised ballots of a closed consultation, as a `ballots/v1` file or as CSV. */
import { stringify } from 'csv-stringify/sync';
import { authorize, type Actor } from '$lib/domain/policy';
import { toBallotFile, type Ballot, type BallotFile } from '$lib/domain/voting';
import { UserError } from '../errors';
import { parse } from '../validate';
import { idSchema, spaceOf, storedBallots, type ConsultationRow, type Context } from './context';
import type { Scheduling } from './scheduling';

/** CSV of a ballot file: `weight`, `college`, then per method one column per option (or position/reason). */
export function ballotFileToCsv(file: BallotFile): string {
	const optionIds = file.options.map((o) => o.id);
	const header = ['weight', 'college'];
	const rows: (string | number)[][] = [];
	const cell = (b: Ballot, id: string): string | number => {
		switch (file.method) {
			case 'plurality':
				return b.choice === id ? 1 : 0;
			case 'approval':
				return b.approve?.includes(id) ? 1 : 0;
			case 'budget':
				return b.select?.includes(id) ? 1 : 0;
			case 'dot':
				return b.dots?.[id] ?? 0;
			case 'majority-judgment': {
				const g = b.grades?.[id];
				return g === undefined ? '' : (file.grades?.[g] ?? g);
			}
			default: {
				const rank = b.ranking?.findIndex((group) => group.includes(id)) ?? -1;
				return rank < 0 ? '' : rank + 1;
			}
		}
	};
	if (file.method === 'yes-no-abstain') header.push('position', 'reason');
	else header.push(...file.options.map((o) => o.label));
	for (const b of file.ballots) {
		const base: (string | number)[] = [b.weight ?? 1, b.college ?? ''];
		if (file.method === 'yes-no-abstain') rows.push([...base, b.position ?? '', b.reason ?? '']);
		else rows.push([...base, ...optionIds.map((id) => cell(b, id))]);
	}
	// The BOM makes spreadsheet programs read the accents correctly.
	// OWASP: a cell starting with = + - @ tab or CR is prefixed with a quote so spreadsheets never run it.
	return stringify([header, ...rows], { bom: true, escape_formulas: true });
}

export function createExports({ data, configOf }: Context, { read }: Scheduling) {
	async function fileOf(c: ConsultationRow): Promise<BallotFile> {
		if (c.status !== 'closed') throw new UserError('votes.error.notClosed', {}, 409);
		// Ballot ids are random, so this order says nothing about who voted when.
		return toBallotFile({ ...(await configOf(c)), ballots: await storedBallots(data, c.id) });
	}

	async function exportFile(actor: Actor | null, id: string): Promise<BallotFile> {
		const c = await read(parse(idSchema, id));
		authorize(actor, 'space.view', spaceOf(c));
		return fileOf(c);
	}

	return {
		/** Anonymised ballots of a closed consultation, as a `ballots/v1` file. */
		exportFile,

		/**
		 * The same anonymised file for the public portal: the caller (the portal service) has asked the
		 * policy whether the residence publishes its closed votes; `spaceId` must be the consultation's.
		 */
		async publishedFile(spaceId: string, id: string): Promise<BallotFile> {
			const c = await read(parse(idSchema, id));
			if (c.spaceType !== 'residence' || c.spaceId !== spaceId) throw new UserError('error.notFound', {}, 404);
			return fileOf(c);
		},

		/** The same ballots as CSV: one row per ballot, one column per option. */
		async exportCsv(actor: Actor | null, id: string): Promise<string> {
			return ballotFileToCsv(await exportFile(actor, id));
		}
	};
}
