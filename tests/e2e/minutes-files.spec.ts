import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { extractText, getDocumentProxy } from 'unpdf';
import { client, DB_PATH } from './http';

/**
 * The minutes as a PDF file (issue 11): a real PDF (magic bytes), the version's hash on every page,
 * served through the same door as the Markdown (members of the body; the portal's door for a public
 * body's published versions), refused to anyone who may not read the minutes.
 */

const PORTAL = '/o/reseau-des-lieux-collectifs-de-proximite/b/comite-de-pilotage-du-reseau-des-lcp';

function september() {
	const db = new Database(DB_PATH, { readonly: true });
	try {
		return db
			.prepare("select m.id, m.body_id as bodyId, v.hash, v.sequence from meetings m join minutes x on x.meeting_id = m.id join minutes_versions v on v.id = x.version_id where m.title = 'Comité de pilotage — septembre'")
			.get() as { id: string; bodyId: string; hash: string; sequence: number };
	} finally {
		db.close();
	}
}

async function pdfPages(body: Buffer) {
	expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
	return (await extractText(await getDocumentProxy(new Uint8Array(body)), { mergePages: false })).text as string[];
}

test('members download the minutes as a PDF with the hash on every page; others are refused', async () => {
	const m = september();
	const path = `/b/${m.bodyId}/meetings/${m.id}/minutes/minutes.pdf`;

	const member = await client('fatou');
	const res = await member.get(path);
	expect(res.status()).toBe(200);
	expect(res.headers()['content-type']).toBe('application/pdf');
	expect(res.headers()['content-disposition']).toMatch(/attachment; filename=".+-v\d+\.pdf"/);
	const pages = await pdfPages(await res.body());
	for (const page of pages) expect(page.replace(/\s+/g, '')).toContain(m.hash);
	expect(pages[0]!.replace(/\s+/g, ' ')).toContain('Comité de pilotage — septembre');

	// A tenant of a residence, not a member of the body: refused, and no PDF.
	const outsider = await client('amina');
	const refused = await outsider.get(path);
	expect(refused.status()).toBe(403);
	expect((await refused.body()).subarray(0, 5).toString('latin1')).not.toBe('%PDF-');
	// Without an account, only the portal's door: the member door asks to sign in.
	const guest = await client();
	const anonymous = await guest.get(path);
	expect(anonymous.status()).toBe(401);
	for (const c of [member, outsider, guest]) await c.dispose();
});

test('the portal serves a published version as a PDF without an account; an unknown version is a 404', async () => {
	const m = september();
	const guest = await client();
	const res = await guest.get(`${PORTAL}/minutes/${m.sequence}/minutes.pdf`);
	expect(res.status()).toBe(200);
	for (const page of await pdfPages(await res.body())) expect(page.replace(/\s+/g, '')).toContain(m.hash);
	expect((await guest.get(`${PORTAL}/minutes/999/minutes.pdf`)).status()).toBe(404);
	expect((await guest.get(`${PORTAL}/minutes/abc/minutes.pdf`)).status()).toBe(404);
	expect((await guest.get('/o/reseau-des-lieux-collectifs-de-proximite/b/no-such-body/minutes/1/minutes.pdf')).status()).toBe(404);
	await guest.dispose();
});
