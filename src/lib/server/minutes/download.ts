import type { MinutesVersion } from '$lib/domain/minutes';

/**
 * A Markdown download. A published version is its content exactly as hashed, followed by a
 * trailer with its hashes (the trailer is not part of what is hashed).
 */
export function markdownFile(version: MinutesVersion | null, draft: string, name: string): Response {
	const body = version
		? `${version.content}\n---\n\nVersion ${version.sequence} · SHA-256 ${version.hash}\nPrevious: ${version.previousHash ?? '—'}\n`
		: draft;
	return new Response(body, {
		headers: {
			'content-type': 'text/markdown; charset=utf-8',
			'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9_-]/g, '')}${version ? `-v${version.sequence}` : ''}.md"`,
			'x-content-type-options': 'nosniff'
		}
	});
}
