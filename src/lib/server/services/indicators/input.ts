/** An indicator URL's parameters and query string as the service reads them; the service checks everything (zod, policy). */
export function reportInput(params: { type: string; id: string }, url: URL) {
	const q = url.searchParams;
	return { type: params.type, id: params.id, building: q.get('building') ?? undefined, from: q.get('from') ?? undefined, to: q.get('to') ?? undefined, year: q.get('year') ?? undefined };
}
