/**
 * Save and load targets beyond the local file system: an http(s) URL of a model.json
 * (loadModel over fetch, weights resolved beside it) and `indexeddb://name`, which needs
 * a browser (its round trip runs in Chromium in examples/test/web.test.ts).
 */
import { promises as fs } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { setSeed, tensor } from '@zen/autograd-core';
import { Dense, Sequential, loadModel } from '@zen/nn';

let dir: string;
let server: http.Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-stores-'));
  server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const file = path.join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    fs.readFile(file).then(
      (bytes) => response.writeHead(200).end(bytes),
      () => response.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

function smallModel(): Sequential {
  setSeed(5);
  const model = new Sequential([
    new Dense({ units: 4, activation: 'relu', inputShape: [3] }),
    new Dense({ units: 2 }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

describe('loadModel(url) over fetch', () => {
  const x = tensor([
    [0.5, -1, 2],
    [3, 0.25, -0.75],
  ]);

  it('loads model.json and its weights from the URL of the model.json or of its folder, with identical predictions', async () => {
    const model = smallModel();
    await model.save(path.join(dir, 'models', 'small'));
    const expected = Array.from(model.predict(x).data);
    for (const url of [`${base}/models/small/model.json`, `${base}/models/small`, `${base}/models/small/`]) {
      requests.length = 0;
      const loaded = await loadModel(url);
      expect(Array.from(loaded.predict(x).data)).toEqual(expected);
      expect(requests[0]).toBe('/models/small/model.json');
      expect(requests[1]).toMatch(/^\/models\/small\/weights\.[0-9a-f]+\.bin$/);
    }
  });

  it('names the URL of a missing model.json or weights file', async () => {
    await expect(loadModel(`${base}/nothing/model.json`)).rejects.toThrow(
      `loadModel: cannot fetch model file ${base}/nothing/model.json (HTTP 404, no such file)`,
    );
    const model = smallModel();
    await model.save(path.join(dir, 'broken'));
    const names = await fs.readdir(path.join(dir, 'broken'));
    await fs.rm(
      path.join(
        dir,
        'broken',
        names.find((n) => n.endsWith('.bin'))!,
      ),
    );
    await expect(loadModel(`${base}/broken/model.json`)).rejects.toThrow(
      /loadModel: cannot fetch weights file http:\/\/127\.0\.0\.1:\d+\/broken\/weights\.[0-9a-f]+\.bin \(HTTP 404/,
    );
  });

  it('refuses to save to an http(s) URL, naming the targets that work', async () => {
    await expect(smallModel().save(`${base}/models/x`)).rejects.toThrow(
      /save: 'http:\/\/127\.0\.0\.1:\d+\/models\/x': http\(s\) targets are read-only; save to indexeddb:\/\/<name>/,
    );
  });
});

describe('indexeddb:// targets', () => {
  it('say plainly that they need a browser, under Node.js', async () => {
    await expect(smallModel().save('indexeddb://small')).rejects.toThrow(
      "save: 'indexeddb://' targets need IndexedDB (a browser); under Node.js use a directory path",
    );
    await expect(loadModel('indexeddb://small')).rejects.toThrow(
      /loadModel: 'indexeddb:\/\/' targets need IndexedDB/,
    );
  });

  it('must name a model', async () => {
    await expect(loadModel('indexeddb://')).rejects.toThrow(
      "loadModel: 'indexeddb://' must name a model: indexeddb://<name>, without slashes",
    );
  });
});
