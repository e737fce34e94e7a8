import type { Db } from '../db';
import type { Data } from '../db/data';
import type { Clock, Ids } from '../ids';
import type { AttemptLimiter } from '../auth/rate-limit';
import type { EventBus } from '../realtime/bus';
import type { TaskLock } from '../shared/lock';

export interface ServiceDeps {
	/**
	 * The synchronous better-sqlite3 handle of the services not yet converted (issue 12); on
	 * PostgreSQL it throws on first use, naming the path still to convert.
	 */
	db: Db;
	/** The async data handle on either engine (db/data.ts): what converted services use. */
	data: Data;
	clock: Clock;
	ids: Ids;
	bus: EventBus;
	/**
	 * Live state shared by the nodes of a cluster (shared/index.ts); absent, each service keeps its
	 * own in memory (one node, and the tests).
	 */
	limiter?: AttemptLimiter;
	lock?: TaskLock;
}
