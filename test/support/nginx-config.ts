import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An nginx.conf for a test's own nginx: in the foreground, one process, every file (pid, log,
 * temp paths) under the test's directory so nothing touches the machine's nginx; `http` is the
 * body of the http block (servers, upstreams).
 */
export function nginxConfig(dir: string, http: string): string {
  return `
daemon off;
master_process off;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
${http}
}
`;
}

const NGINX_BINARY = '/usr/sbin/nginx';

/**
 * Starts the test's own nginx on `config` (written to DIR/nginx.conf) and waits until `port`
 * answers HTTP, failing loudly (with nginx's error log) when it does not within `timeoutMs`.
 */
export async function startNginx(dir: string, port: number, config: string, timeoutMs = 10_000): Promise<ChildProcess> {
  if (spawnSync(NGINX_BINARY, ['-v']).status !== 0) throw new Error(`${NGINX_BINARY} is missing (Debian's nginx-light; npm test installs it)`);
  writeFileSync(join(dir, 'nginx.conf'), config);
  const nginx = spawn(NGINX_BINARY, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return nginx;
    } catch {
      if (nginx.exitCode !== null || Date.now() > deadline) {
        nginx.kill('SIGKILL');
        const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : '';
        throw new Error(`nginx did not answer on 127.0.0.1:${port} within ${timeoutMs} ms: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
