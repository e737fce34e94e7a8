import { describe, expect, it } from 'vitest';
import { ConfigError, databaseKind, loadConfig, redactDatabaseUrl } from './config';

describe('configuration', () => {
	it('has defaults for the embedded database', () => {
		const cfg = loadConfig({});
		expect(cfg).toMatchObject({ DATABASE_URL: './data/app.db', PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'info' });
	});

	it('accepts a file: URL for SQLite', () => {
		expect(loadConfig({ DATABASE_URL: 'file:./data/x.db' }).DATABASE_URL).toBe('./data/x.db');
		expect(loadConfig({ DATABASE_URL: 'file:///var/lib/app.db' }).DATABASE_URL).toBe('/var/lib/app.db');
	});

	it("hashes passwords at OWASP's scrypt cost unless told otherwise, within 10 to 20", () => {
		expect(loadConfig({}).PASSWORD_HASH_COST).toBe(17);
		expect(loadConfig({ PASSWORD_HASH_COST: '12' }).PASSWORD_HASH_COST).toBe(12);
		for (const bad of ['9', '21', '12.5', 'fast']) {
			expect(() => loadConfig({ PASSWORD_HASH_COST: bad }), bad).toThrow(/PASSWORD_HASH_COST must be a whole number from 10 to 20/);
		}
	});

	it('explains every bad value on its own line', () => {
		let message = '';
		try {
			loadConfig({ PORT: '99999', LOG_LEVEL: 'loud', ORIGIN: 'not a url', DATABASE_URL: 'mysql://x/db' });
		} catch (e) {
			expect(e).toBeInstanceOf(ConfigError);
			message = (e as Error).message;
		}
		expect(message).toContain('PORT: PORT must be between 1 and 65535');
		expect(message).toContain('LOG_LEVEL: LOG_LEVEL must be one of debug, info, warn, error, silent');
		expect(message).toContain('ORIGIN: ORIGIN must be a full URL');
		expect(message).toContain('DATABASE_URL: DATABASE_URL must be a SQLite file path');
	});

	it('takes a Redis URL for the cluster mode, and refuses anything else there', () => {
		expect(loadConfig({}).REDIS_URL).toBeUndefined();
		expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'tib:' });
		expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must look like redis:\/\//);
	});

	it('accepts a PostgreSQL URL as it is, and says which engine a URL names', () => {
		const url = 'postgres://board:s3cret@127.0.0.1:5432/board?sslmode=disable';
		expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
		expect(loadConfig({ DATABASE_URL: 'postgresql://db.internal/board' }).DATABASE_URL).toBe('postgresql://db.internal/board');
		expect(databaseKind(url)).toBe('postgres');
		expect(databaseKind('./data/app.db')).toBe('sqlite');
		expect(redactDatabaseUrl(url)).toBe('postgres://board:***@127.0.0.1:5432/board?sslmode=disable');
		expect(redactDatabaseUrl('./data/app.db')).toBe('./data/app.db');
	});

	it('refuses a PostgreSQL URL without a database name', () => {
		expect(() => loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432' })).toThrow(/needs a host and a database name/);
		expect(() => loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432/' })).toThrow(/needs a host and a database name/);
	});
});
