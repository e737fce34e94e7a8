import { z } from 'zod';

const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

function postgresUrlProblem(v: string): string | null {
	try {
		const u = new URL(v);
		return u.hostname && u.pathname.replace(/^\//, '') ? null : 'incomplete';
	} catch {
		return 'unparsable';
	}
}

/** OWASP's minimum cost for scrypt (N = 2^17, r = 8, p = 1), the default of PASSWORD_HASH_COST. */
export const OWASP_PASSWORD_HASH_COST = 17;
const COST_MESSAGE = `PASSWORD_HASH_COST must be a whole number from 10 to 20 (scrypt N = 2^cost; ${OWASP_PASSWORD_HASH_COST} is the default)`;

const schema = z.object({
	DATABASE_URL: z
		.string()
		.trim()
		.min(1, 'DATABASE_URL must not be empty')
		.default('./data/app.db')
		.transform((v) => (POSTGRES_URL.test(v) ? v : v.replace(/^file:(\/\/)?/, '')))
		.refine((v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || POSTGRES_URL.test(v), {
			message: 'DATABASE_URL must be a SQLite file path (e.g. ./data/app.db or file:./data/app.db) or a PostgreSQL URL (postgres://user@host:5432/dbname)'
		})
		.refine((v) => !POSTGRES_URL.test(v) || postgresUrlProblem(v) === null, {
			message: 'DATABASE_URL: a PostgreSQL URL needs a host and a database name, e.g. postgres://user:password@127.0.0.1:5432/board'
		}),
	PORT: z.coerce.number().int().min(1, 'PORT must be between 1 and 65535').max(65535, 'PORT must be between 1 and 65535').default(3000),
	HOST: z.string().trim().min(1).default('0.0.0.0'),
	ORIGIN: z.url({ message: 'ORIGIN must be a full URL such as https://board.example.org' }).optional(),
	LOG_LEVEL: z.enum(levels, { message: `LOG_LEVEL must be one of ${levels.join(', ')}` }).default('info'),
	SESSION_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
	UPLOAD_DIR: z.string().trim().min(1).default('./data/uploads'),
	SMTP_URL: z
		.string()
		.trim()
		.refine((v) => /^smtps?:\/\/[^\s]+$/.test(v), { message: 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465' })
		.optional(),
	MAIL_FROM: z.string().trim().min(3).default('Tableau des initiatives <no-reply@localhost>'),
	MAIL_LOG: z.string().trim().min(1).default('./data/mail.log'),
	/** Set on every node of a cluster: live state (sockets, throttles, locks, signals) is shared there. */
	REDIS_URL: z
		.string()
		.trim()
		.refine((v) => /^rediss?:\/\/[^\s]*$/.test(v), { message: 'REDIS_URL must look like redis://host:6379 or rediss://user:pass@host:6380/0' })
		.optional(),
	/**
	 * scrypt's cost for password hashes, as a power of two (N = 2^cost). 17 is OWASP's minimum and the
	 * default; raising it re-hashes each password at its next sign-in. Lower values are for test suites.
	 */
	PASSWORD_HASH_COST: z.coerce
		.number({ message: COST_MESSAGE })
		.int(COST_MESSAGE)
		.min(10, COST_MESSAGE)
		.max(20, COST_MESSAGE)
		.default(OWASP_PASSWORD_HASH_COST),
	/** Prefix of every Redis key and channel of this deployment (several deployments may share one Redis). */
	REDIS_PREFIX: z.string().trim().min(1).max(64).default('tib:')
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Reads the environment once; each bad value gets its own line in the error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	const parsed = schema.safeParse(cleaned);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	return parsed.data;
}

/** Which engine a (validated) DATABASE_URL names: a PostgreSQL URL, or else a SQLite file path. */
export function databaseKind(url: string): 'sqlite' | 'postgres' {
	return POSTGRES_URL.test(url) ? 'postgres' : 'sqlite';
}

/** The URL as it may appear in logs and messages: no password. */
export function redactDatabaseUrl(url: string): string {
	if (databaseKind(url) === 'sqlite') return url;
	const u = new URL(url);
	if (u.password) u.password = '***';
	return u.toString();
}

let cached: Config | undefined;
export function config(): Config {
	cached ??= loadConfig();
	return cached;
}
