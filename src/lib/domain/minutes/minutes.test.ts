import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
	availableMoves,
	canonicalJson,
	canProposeAmendment,
	checkMove,
	describeFailure,
	effectiveStatus,
	minutesMarkdown,
	sealVersion,
	verifyChain,
	versionHash,
	type MinutesLabels,
	type MinutesVersion,
	type UnhashedVersion
} from '.';

const now = Date.UTC(2026, 11, 1, 10);
const base = { now, windowEndsAt: null, pendingAmendments: 0 };

describe('minutes state machine', () => {
	it('walks draft → submitted → amendment → submitted → adopted → published → corrected', () => {
		expect(checkMove('draft', 'submit', base)).toEqual({ ok: true, to: 'submitted' });
		expect(checkMove('submitted', 'openWindow', { ...base, newWindowEnd: now + 1000 })).toEqual({ ok: true, to: 'amendment' });
		expect(checkMove('amendment', 'closeWindow', { ...base, windowEndsAt: now + 1000 })).toEqual({ ok: true, to: 'submitted' });
		expect(checkMove('submitted', 'adopt', { ...base, method: 'chair', chairMayAdopt: true })).toEqual({ ok: true, to: 'adopted' });
		expect(checkMove('adopted', 'publish', base)).toEqual({ ok: true, to: 'published' });
		expect(checkMove('published', 'correct', base)).toEqual({ ok: true, to: 'corrected' });
	});

	it('closes the amendment window at its end date without anyone acting', () => {
		expect(effectiveStatus('amendment', now - 1, now)).toBe('submitted');
		expect(effectiveStatus('amendment', now + 1, now)).toBe('amendment');
		expect(canProposeAmendment('amendment', now - 1, now)).toEqual({ ok: false, code: 'windowClosed' });
		expect(canProposeAmendment('amendment', now + 1, now)).toEqual({ ok: true, to: 'amendment' });
		expect(canProposeAmendment('published', null, now)).toEqual({ ok: false, code: 'windowClosed' });
		expect(canProposeAmendment('draft', null, now)).toEqual({ ok: false, code: 'transition' });
	});

	it('refuses adopting twice, publishing without adoption, adopting with the window open or amendments pending', () => {
		for (const s of ['adopted', 'published', 'corrected'] as const) expect(checkMove(s, 'adopt', { ...base, method: 'chair', chairMayAdopt: true })).toEqual({ ok: false, code: 'alreadyAdopted' });
		for (const s of ['draft', 'submitted', 'amendment'] as const) expect(checkMove(s, 'publish', { ...base, windowEndsAt: now + 5 })).toEqual({ ok: false, code: 'notAdopted' });
		expect(checkMove('amendment', 'adopt', { ...base, windowEndsAt: now + 5, method: 'chair', chairMayAdopt: true })).toEqual({ ok: false, code: 'windowOpen' });
		expect(checkMove('amendment', 'adopt', { ...base, windowEndsAt: now - 5, method: 'chair', chairMayAdopt: true }).ok).toBe(true);
		expect(checkMove('submitted', 'adopt', { ...base, pendingAmendments: 1, method: 'chair', chairMayAdopt: true })).toEqual({ ok: false, code: 'pendingAmendments' });
		expect(checkMove('submitted', 'adopt', { ...base, method: 'chair', chairMayAdopt: false })).toEqual({ ok: false, code: 'chairMayNotAdopt' });
		expect(checkMove('submitted', 'adopt', { ...base, method: 'vote', voteAdopted: false })).toEqual({ ok: false, code: 'voteNotAdopted' });
		expect(checkMove('submitted', 'adopt', { ...base, method: 'vote', voteAdopted: true }).ok).toBe(true);
		expect(checkMove('published', 'submit', base)).toEqual({ ok: false, code: 'locked' });
		expect(checkMove('draft', 'openWindow', base)).toEqual({ ok: false, code: 'transition' });
		expect(checkMove('submitted', 'openWindow', { ...base, newWindowEnd: now })).toEqual({ ok: false, code: 'windowEndPast' });
	});

	it('offers only the moves that will succeed', () => {
		expect(availableMoves('draft', base)).toEqual(['submit']);
		expect(availableMoves('submitted', { ...base, chairMayAdopt: true })).toEqual(['openWindow', 'adopt']);
		expect(availableMoves('adopted', base)).toEqual(['publish']);
		expect(availableMoves('corrected', base)).toEqual([]);
	});
});

describe('canonical serialisation', () => {
	it('sorts keys, drops whitespace, normalises line endings and Unicode', () => {
		const a = canonicalJson({ b: 1, a: { d: [true, null], c: 'x\r\ny\rz' } });
		expect(a).toBe('{"a":{"c":"x\\ny\\nz","d":[true,null]},"b":1}');
		// "é" composed (U+00E9) and decomposed (e + U+0301) give the same bytes.
		expect(canonicalJson({ t: 'caf\u00e9' })).toBe(canonicalJson({ t: 'cafe\u0301' }));
		expect(canonicalJson({ z: 0, y: 'a', x: [] })).toBe(canonicalJson({ x: [], y: 'a', z: 0 }));
	});

	it('refuses what it cannot write the same way twice', () => {
		expect(() => canonicalJson({ a: 1.5 })).toThrow();
		expect(() => canonicalJson({ a: undefined })).toThrow();
	});

	it('hashes the canonical UTF-8 bytes with SHA-256, independently recomputable', async () => {
		const record = { schema: 'x', text: 'Déjà vu\r\n', n: 3 };
		const expected = createHash('sha256').update(Buffer.from('{"n":3,"schema":"x","text":"Déjà vu\\n"}', 'utf8')).digest('hex');
		expect(await versionHash({ ...record, hash: 'ignored' })).toBe(expected);
	});
});

async function chainOf(n: number): Promise<MinutesVersion[]> {
	const out: MinutesVersion[] = [];
	for (let i = 1; i <= n; i++) {
		const v: UnhashedVersion = {
			schema: 'minutes-version/v1',
			body: { id: 'body1', name: 'Comité' },
			sequence: i,
			meeting: { id: `m${i}`, title: `Réunion ${i}`, startsAt: `2026-0${i}-10T18:00:00.000Z` },
			content: `# Réunion ${i}\n\nTexte adopté ${i}.\n`,
			adoption: { method: 'chair', by: 'Sophie Leroy', at: `2026-0${i}-20T10:00:00.000Z` },
			publishedAt: `2026-0${i}-20T10:00:00.000Z`,
			corrects: null,
			correction: null,
			previousHash: out.at(-1)?.hash ?? null
		};
		out.push(await sealVersion(v));
	}
	return out;
}
const file = (versions: unknown[]) => ({ schema: 'minutes-chain/v1', body: { id: 'body1', name: 'Comité' }, versions });

describe('hash chain verification', () => {
	it('accepts an intact chain and reports its head', async () => {
		const versions = await chainOf(3);
		const r = await verifyChain(file(versions));
		expect(r).toMatchObject({ ok: true, count: 3, head: versions[2]!.hash });
		expect((await verifyChain(file(versions), { expectedHead: versions[2]!.hash })).ok).toBe(true);
	});

	it('names the tampered version', async () => {
		const versions = await chainOf(3);
		versions[1] = { ...versions[1]!, content: versions[1]!.content.replace('adopté', 'rejeté') };
		const r = await verifyChain(file(versions));
		expect(r).toMatchObject({ ok: false, problem: 'tampered', index: 1, sequence: 2 });
		if (!r.ok) expect(describeFailure(r)).toContain('version 2');
	});

	it('detects a tampered version whose hash was recomputed: the next link breaks', async () => {
		const versions = await chainOf(3);
		const forged = await sealVersion({ ...versions[1]!, content: 'forged\n' });
		versions[1] = forged;
		expect(await verifyChain(file(versions))).toMatchObject({ ok: false, problem: 'brokenLink', index: 2, sequence: 3 });
	});

	it('detects reordered versions', async () => {
		const versions = await chainOf(3);
		const r = await verifyChain(file([versions[0], versions[2], versions[1]]));
		expect(r).toMatchObject({ ok: false, problem: 'reordered', index: 1, sequence: 3 });
	});

	it('detects a removed version, in the middle and at the end (against the known head)', async () => {
		const versions = await chainOf(3);
		expect(await verifyChain(file([versions[0], versions[2]]))).toMatchObject({ ok: false, problem: 'missing', index: 1, sequence: 2 });
		expect(await verifyChain(file([versions[1], versions[2]]))).toMatchObject({ ok: false, problem: 'missing', index: 0, sequence: 1 });
		expect(await verifyChain(file(versions.slice(0, 2)), { expectedHead: versions[2]!.hash })).toMatchObject({ ok: false, problem: 'head' });
	});

	it('checks that a correction names an earlier version of the chain', async () => {
		const versions = await chainOf(2);
		const base3 = { ...versions[1]!, sequence: 3, previousHash: versions[1]!.hash, correction: { what: 'a name', why: 'misspelt' } };
		const good = await sealVersion({ ...base3, corrects: { sequence: 2, hash: versions[1]!.hash } });
		expect((await verifyChain(file([...versions, good]))).ok).toBe(true);
		const bad = await sealVersion({ ...base3, corrects: { sequence: 2, hash: versions[0]!.hash } });
		expect(await verifyChain(file([...versions, bad]))).toMatchObject({ ok: false, problem: 'badCorrection', index: 2 });
	});

	it('rejects a file that is not a chain, and a malformed version, without throwing', async () => {
		expect(await verifyChain({ nope: 1 })).toMatchObject({ ok: false, problem: 'format', index: -1 });
		expect(await verifyChain(file([{ schema: 'minutes-version/v1' }]))).toMatchObject({ ok: false, problem: 'malformed', index: 0 });
		const versions = await chainOf(1);
		expect(await verifyChain({ ...file(versions), body: { id: 'other', name: '' } })).toMatchObject({ ok: false, problem: 'otherBody' });
	});
});

describe('minutes as Markdown', () => {
	const labels: MinutesLabels = {
		date: 'Date :',
		place: 'Lieu :',
		attendance: 'Présences',
		present: 'Présents :',
		represented: (n, by) => `${n} (pouvoir à ${by})`,
		excused: 'Excusés :',
		absent: 'Absents :',
		none: 'personne',
		speakers: 'Prises de parole :',
		speaker: (n, c, d) => `${n} : ${c} fois, ${d}`,
		motion: 'Motion :',
		result: (o, y, n, a) => `${o} (pour ${y}, contre ${n}, abstention ${a})`,
		perCollege: (n, y, no, a) => `${n} : ${y}/${no}/${a}`,
		general: 'Généralités',
		duration: (s) => `${Math.round(s / 60)} min`
	};
	it('puts facts and text in agenda order, escapes names, and is stable', () => {
		const facts = {
			body: { name: 'Comité' },
			meeting: { title: 'Réunion *de* décembre', startsAt: '1 déc. 2026', place: 'Nantes' },
			colleges: [{ name: 'Bénévoles', present: ['Fatou S.'], represented: [{ name: 'Ali', by: 'Fatou S.' }], excused: [], absent: ['Bob'] }],
			items: [
				{ id: 'i2', position: 2, title: 'Budget', speakers: [{ name: 'Fatou S.', count: 2, seconds: 240 }], motions: [{ question: 'Adopter ?', outcome: 'adoptée', totals: { yes: 3, no: 1, abstain: 0 }, perCollege: [{ name: 'Bénévoles', yes: 1, no: 0, abstain: 0 }] }] },
				{ id: 'i1', position: 1, title: 'Ouverture', speakers: [], motions: [] }
			]
		};
		const md = minutesMarkdown(facts, { i2: 'Le budget\r\n\r\n\r\nest voté.', general: 'Séance ouverte.' }, labels);
		expect(md).toContain('# Comité — Réunion \\*de\\* décembre');
		expect(md).toContain('- Excusés : personne');
		expect(md).toContain('Ali (pouvoir à Fatou S.)');
		expect(md).toContain('- Fatou S. : 2 fois, 4 min');
		expect(md).toContain('> - Bénévoles : 1/0/0');
		expect(md).toContain('Le budget\n\nest voté.');
		expect(md.indexOf('## Généralités')).toBeLessThan(md.indexOf('## 1. Budget'));
		expect(md.indexOf('## 1. Budget')).toBeLessThan(md.indexOf('## 2. Ouverture'));
		expect(md).not.toContain('\r');
		expect(md.endsWith('\n')).toBe(true);
		expect(minutesMarkdown(facts, { i2: 'Le budget\r\n\r\n\r\nest voté.', general: 'Séance ouverte.' }, labels)).toBe(md);
	});
});

describe('decision follow-up', async () => {
	const { isOverdue, checkFollowUp } = await import('./follow-up');
	it('is overdue past its review date or a milestone, only while planned or in progress', () => {
		expect(isOverdue({ status: 'planned', reviewAt: now - 1, milestones: [] }, now)).toBe(true);
		expect(isOverdue({ status: 'inProgress', reviewAt: now + 1, milestones: [{ dueAt: now - 1, doneAt: null }] }, now)).toBe(true);
		expect(isOverdue({ status: 'inProgress', reviewAt: now + 1, milestones: [{ dueAt: now - 1, doneAt: now - 2 }] }, now)).toBe(false);
		expect(isOverdue({ status: 'done', reviewAt: now - 1, milestones: [] }, now)).toBe(false);
		expect(isOverdue({ status: 'abandoned', reviewAt: now - 1, milestones: [] }, now)).toBe(false);
	});
	it('needs a reason to abandon and keeps progress within bounds', () => {
		expect(checkFollowUp('abandoned', 10, ' ')).toEqual({ ok: false, code: 'reasonRequired' });
		expect(checkFollowUp('abandoned', 10, 'budget cut')).toEqual({ ok: true, progress: 10 });
		expect(checkFollowUp('done', 40, '')).toEqual({ ok: true, progress: 100 });
		expect(checkFollowUp('inProgress', 101, '')).toEqual({ ok: false, code: 'progress' });
	});
});
