/**
 * The load balancer in front of the app nodes (`npm run cluster`, the e2e cluster spec): HAProxy with
 * sticky sessions by cookie, as socket.io's long-polling transport requires (every request of one
 * connection on one node). A node that stops answering `/readyz` is taken out; a request whose node
 * is down is sent to another (`option redispatch`), whose answer re-pins the browser there, where
 * its socket reconnects and resyncs.
 */
export interface BalancedNode {
	name: string;
	port: number;
}

export function haproxyConfig(port: number, nodes: BalancedNode[], options: { bind?: string; checkEveryMs?: number } = {}): string {
	const inter = `${options.checkEveryMs ?? 2000}ms`;
	return [
		'global',
		'  maxconn 4000',
		'defaults',
		'  mode http',
		'  option forwardfor',
		'  option redispatch',
		'  retries 3',
		'  timeout connect 2s',
		'  timeout client 60s',
		'  timeout server 60s',
		'  timeout tunnel 1h',
		// A health check may take this long to answer. Without it HAProxy waits only `inter` (500 ms in
		// the e2e spec), and a node slowed by a busy machine, still serving, was taken out and its
		// people moved to the other node. A node that is gone refuses the connection at once anyway.
		'  timeout check 5s',
		'frontend web',
		`  bind ${options.bind ?? '0.0.0.0'}:${port}`,
		'  default_backend nodes',
		'backend nodes',
		'  balance roundrobin',
		'  cookie tib_node insert indirect nocache httponly',
		'  option httpchk',
		'  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost',
		'  http-check expect status 200',
		...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.port} check inter ${inter} fall 2 rise 2 cookie ${n.name}`),
		''
	].join('\n');
}
