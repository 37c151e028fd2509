import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadSampleConfig, SampleConfigError } from './config/sample.config.js';
import { DEMO_ACCOUNTS } from './database/demo-data.js';
import { createSampleApp } from './sample-app.js';
import { describeSessionStorage } from './config/session-engine-settings.js';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadSampleConfig(process.env);
  } catch (err) {
    if (!(err instanceof SampleConfigError)) throw err;
    console.error(`Configuration error: ${err.message}`);
    process.exit(1);
  }
  const sample = await createSampleApp(config);
  await sample.app.listen(config.port, config.host);
  const url = (await sample.app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  // In a cluster the first worker prints the banner; the others would only repeat it.
  if (cluster.isWorker && cluster.worker?.id !== 1) return console.log(`django-bridge sample worker ${process.pid} listening on ${url}`);
  console.log(`django-bridge sample listening on ${url}`);
  console.log(`  Django database (usersandsessions): ${config.embedded ? 'embedded SQLite var/django.sqlite3' : 'DJANGO_DATABASE_URL'}`);
  console.log(`  App database (default): ${process.env.APP_DATABASE_URL ? 'APP_DATABASE_URL' : 'embedded SQLite var/app.sqlite3'}`);
  for (const line of describeSessionStorage(config)) console.log(`  ${line}`);
  if (config.embedded) {
    console.log(`  Sign in at ${url}/ with a demo account:`);
    for (const account of Object.values(DEMO_ACCOUNTS)) console.log(`    ${account.username} / ${account.password}  (${account.about})`);
  }
}

bootstrap().catch((err: unknown) => {
  // Start-up failures (database unreachable, partial schema) end with one clear line, no trace.
  console.error(`django-bridge sample could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
