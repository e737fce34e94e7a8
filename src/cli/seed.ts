/** Loads the demo data into DATABASE_URL (creating and migrating it; SQLite or PostgreSQL). Safe to run twice. */
import { loadConfig, redactDatabaseUrl } from '../lib/server/config';
import { openDataStore } from '../lib/server/db/open';
import { randomIds, systemClock } from '../lib/server/ids';
import { createLocalBus } from '../lib/server/realtime/bus';
import { createServices } from '../lib/server/services';
import { DEMO_PASSWORD, demoAccounts, seedDemo } from '../lib/server/demo/seed';

const cfg = loadConfig();
const where = redactDatabaseUrl(cfg.DATABASE_URL);
const opened = await openDataStore(cfg.DATABASE_URL, { poolSize: 4 });
const services = createServices({ db: opened.db, data: opened.data, clock: systemClock, ids: randomIds, bus: createLocalBus() });
const outcome = await seedDemo(services);
// What bus subscribers started (follow-ups, minutes adopted by a vote) finishes before the database closes.
await services.settled();
console.log(outcome === 'created' ? `Demo data loaded into ${where}.` : `Demo data already present in ${where}; nothing added.`);
console.log(`\nDemo accounts (password for all: ${DEMO_PASSWORD}):`);
for (const a of demoAccounts) console.log(`  ${a.username.padEnd(32)} ${a.displayName.padEnd(16)} ${a.role}`);
console.log(`\nTenants can also join L’Aventurière with the code AVEN-2026 at /join.`);
await opened.close();
