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
