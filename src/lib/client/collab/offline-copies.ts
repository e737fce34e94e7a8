/** Prefix of the IndexedDB databases in which co-edited documents are kept for offline editing. */
export const OFFLINE_PREFIX = 'tib:';

/**
 * Deletes every offline copy of co-edited documents from this browser. Called on sign-out: tenants
 * often use a shared computer at the community centre, and the next person must not find the
 * residence's drafts there.
 */
export async function clearOfflineCopies(): Promise<void> {
	if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
	const list = await indexedDB.databases();
	await Promise.all(
		list
			.map((db) => db.name)
			.filter((name): name is string => !!name && name.startsWith(OFFLINE_PREFIX))
			.map(
				(name) =>
					new Promise<void>((resolve) => {
						const request = indexedDB.deleteDatabase(name);
						request.onsuccess = request.onerror = request.onblocked = () => resolve();
					})
			)
	);
}
