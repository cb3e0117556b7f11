import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeedMessage } from '../../schema/protocol';
import { BASE, command, createUser, openIncident, type TestUser } from '../helpers';

let ana: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
});

async function connectFeed(headers: Record<string, string>) {
  const res = await SELF.fetch(`${BASE}/api/feed/live`, {
    headers: { upgrade: 'websocket', ...headers },
  });
  if (!res.webSocket) throw new Error(`feed connect failed: ${res.status}`);
  const ws = res.webSocket;
  ws.accept();
  const messages: FeedMessage[] = [];
  ws.addEventListener('message', (e) => messages.push(JSON.parse(e.data as string) as FeedMessage));
  const waitFor = async (pred: (m: FeedMessage) => boolean) => {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const hit = messages.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`feed: nothing matched; got ${JSON.stringify(messages)}`);
  };
  return { ws, waitFor };
}

describe('live incident list feed', () => {
  it('shows a new incident and its status changes to everyone watching a list, without a reload', async () => {
    const feed = await connectFeed(ana.auth);
    const inc = await openIncident(ana, { title: 'Feed me' });
    const opened = await feed.waitFor((m) => m.type === 'incident' && m.incident.id === inc.id);
    expect(opened.type === 'incident' && opened.incident).toMatchObject({
      title: 'Feed me',
      status: 'triggered',
      number: inc.number,
    });
    await command(ana, inc.id, 'acknowledge');
    await feed.waitFor(
      (m) =>
        m.type === 'incident' && m.incident.id === inc.id && m.incident.status === 'acknowledged',
    );
    feed.ws.close();
  });

  it('refuses the feed without credentials', async () => {
    const res = await SELF.fetch(`${BASE}/api/feed/live`, { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(401);
  });
});
