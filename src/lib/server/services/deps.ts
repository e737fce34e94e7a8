import type { Db } from '../db';
import type { Clock, Ids } from '../ids';
import type { AttemptLimiter } from '../auth/rate-limit';
import type { EventBus } from '../realtime/bus';
import type { TaskLock } from '../shared/lock';

export interface ServiceDeps {
	db: Db;
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
