import { expect, test, type APIRequestContext } from '@playwright/test';
import { client, joinDescription, pageData, residenceId } from './http';

/**
 * Issue 7 finding 7: once a facilitator hides something, no door serves its text to non-moderators —
 * the proposal page's data (`__data.json`), the notification list, the live document and the
 * board's events. Each check first shows the text IS there before hiding, so it can fail.
 */

type Json = Record<string, unknown>;

async function post(ctx: APIRequestContext, path: string, form: Record<string, string>) {
	const res = await ctx.post(path, { form, headers: { accept: 'application/json' } });
	const body = (await res.json()) as { type: string; location?: string };
	expect(['success', 'redirect'], `${path}: ${JSON.stringify(body)}`).toContain(body.type);
	return body;
}

test('a hidden proposal’s description and comments, and a hidden comment’s excerpt, reach moderators only', async () => {
	test.setTimeout(60_000);
	const stamp = Date.now().toString(36);
	const description = `DESCRIPTION-SECRETE-${stamp}`;
	const comment = `COMMENTAIRE-SECRET-${stamp}`;
	const amina = await client('amina');
	const karim = await client('karim');
	const claire = await client('claire.martin@lmh.demo');
	const id = await residenceId(amina);

	const created = await post(amina, `/r/${id}/board/new`, { title: `Idée à masquer ${stamp}`, description, category: 'other' });
	const pid = /created=([A-Za-z0-9_-]+)/.exec(created.location ?? '')![1]!;
	const page = `/r/${id}/board/p/${pid}`;
	await post(karim, `${page}?/comment`, { body: comment });

	// Before: the text is served to a neighbour and the author's notification carries the excerpt.
	expect((await pageData(karim, page)).raw).toContain(description);
	expect((await pageData(karim, page)).raw).toContain(comment);
	expect((await pageData(amina, '/notifications')).raw).toContain(comment);
	expect((await joinDescription(karim, pid)).ok).toBe(true);

	// The facilitator hides the comment: its excerpt leaves the author's notifications.
	const commentId = ((await pageData(claire, page)).data.find((d) => 'threads' in d)!.threads as Json[]).find((c) => c.body === comment)!.id as string;
	await post(claire, `${page}?/hideComment`, { commentId, reason: 'Hors sujet' });
	expect((await pageData(amina, '/notifications')).raw).not.toContain(comment);
	expect((await pageData(karim, page)).raw).not.toContain(comment);
	await post(claire, `${page}?/unhideComment`, { commentId });
	expect((await pageData(amina, '/notifications')).raw).toContain(comment);

	// Then the whole proposal: description (from the record or the live document) and comments go.
	await post(claire, `${page}?/hide`, { reason: 'Propos blessants' });
	for (const [who, ctx] of [['karim', karim], ['amina (author)', amina]] as const) {
		const { raw } = await pageData(ctx, page);
		expect(raw, who).not.toContain(description);
		expect(raw, who).not.toContain(comment);
		expect((await pageData(ctx, `/r/${id}/board`)).raw, who).not.toContain(description);
		expect(await joinDescription(ctx, pid), who).toMatchObject({ ok: false, code: 'collab.error.forbidden' });
	}
	expect((await pageData(amina, '/notifications')).raw).not.toContain(comment);
	// Moderators still see everything, to decide whether to show it again.
	const moderatorView = (await pageData(claire, page)).raw;
	expect(moderatorView).toContain(description);
	expect(moderatorView).toContain(comment);
	expect((await joinDescription(claire, pid)).ok).toBe(true);
});
