/**
 * kill -9 tests: runs a TypeScript script in a child process (tsx), collects the ids it prints as
 * "ack <id>" lines on stdout (a pipe: synchronous on Linux, so a printed ack was acknowledged), and
 * kills it with SIGKILL as soon as `killAfter` acks arrived. Resolves with the acks and the signal.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export async function killMidStream(script: string, arg: string, killAfter: number): Promise<{ acked: string[]; signal: NodeJS.Signals | null }> {
	const child = spawn(process.execPath, ['--import', 'tsx', script, arg], { cwd: resolve(import.meta.dirname, '../../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
	const acked: string[] = [];
	let buffer = '';
	const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
	child.stdout.on('data', (chunk: Buffer) => {
		buffer += chunk.toString();
		const lines = buffer.split('\n');
		buffer = lines.pop()!;
		for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
		if (acked.length >= killAfter && !child.killed) child.kill('SIGKILL');
	});
	return { acked, signal: await exited };
}
