import type { Db } from '../db';
import type { Clock, Ids } from '../ids';
import type { EventBus } from '../realtime/bus';

export interface ServiceDeps {
	db: Db;
	clock: Clock;
	ids: Ids;
	bus: EventBus;
}
