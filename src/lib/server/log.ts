import { config } from './config';

const order = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof order, 'silent'>;

function emit(level: Level, message: string, fields?: Record<string, unknown>) {
	let threshold: keyof typeof order = 'info';
	try {
		threshold = config().LOG_LEVEL;
	} catch {
		// configuration errors are reported elsewhere; keep logging
	}
	if (order[level] < order[threshold]) return;
	const line = JSON.stringify({ t: new Date().toISOString(), level, msg: message, ...fields });
	(level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
	debug: (m: string, f?: Record<string, unknown>) => emit('debug', m, f),
	info: (m: string, f?: Record<string, unknown>) => emit('info', m, f),
	warn: (m: string, f?: Record<string, unknown>) => emit('warn', m, f),
	error: (m: string, f?: Record<string, unknown>) => emit('error', m, f)
};
