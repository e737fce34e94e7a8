import { error } from '@sveltejs/kit';
import { open } from 'node:fs/promises';

/**
 * A stored recording as an HTTP response, once the caller has asked the policy. Byte ranges are
 * answered: Safari plays `<audio>` only from a server that does.
 */
export async function serveAudio(path: string, mime: string, request: Request): Promise<Response> {
	const handle = await open(path).catch(() => error(404, 'error.notFound'));
	try {
		const size = (await handle.stat()).size;
		const headers: Record<string, string> = {
			'content-type': mime,
			'accept-ranges': 'bytes',
			'cache-control': 'private, max-age=3600',
			'x-content-type-options': 'nosniff',
			'content-disposition': 'inline'
		};
		const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') ?? '');
		let start = 0;
		let end = size - 1;
		if (range && (range[1] || range[2])) {
			start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
			end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
			if (start > end || start >= size) return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
		}
		const body = new Uint8Array(end - start + 1);
		await handle.read(body, 0, body.length, start);
		const partial = !!range && (start > 0 || end < size - 1 || request.headers.has('range'));
		if (partial) headers['content-range'] = `bytes ${start}-${end}/${size}`;
		return new Response(body, { status: partial ? 206 : 200, headers });
	} finally {
		await handle.close();
	}
}
