/** A started test app and the DataSource it owns, closed together. */
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';

export interface ListeningApp {
  app: INestApplication;
  dataSource: DataSource;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port; `close()` stops the app, then destroys its DataSource. */
export async function listenOnLoopback(app: INestApplication, dataSource: DataSource): Promise<ListeningApp> {
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return {
    app,
    dataSource,
    url,
    async close() {
      await app.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
