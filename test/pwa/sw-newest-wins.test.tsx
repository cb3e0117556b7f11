import { describe, expect, it } from 'vitest';
import { newestRequestWins } from '../../pwa/src/sw/newest-wins';

const URL_A = 'http://127.0.0.1/api/incidents/inc_1';

/** One strategy run as Workbox drives the plugin: start (own state object), later maybe a cache write. */
function run(plugin: ReturnType<typeof newestRequestWins>, url = URL_A) {
  const state: Record<string, unknown> = {};
  const request = new Request(url);
  const started = plugin.handlerWillStart!({ request, event: new Event('fetch') as never, state });
  return {
    started,
    put: async (body: string, status = 200) => {
      const kept = await plugin.cacheWillUpdate!({
        request,
        response: new Response(body, { status }),
        event: new Event('fetch') as never,
        state,
      });
      return kept ? await kept.text() : null;
    },
  };
}

describe('the service worker keeps the newest read of an incident', () => {
  it('drops an older request’s answer that arrives after a newer one was cached', async () => {
    const plugin = newestRequestWins();
    const before = run(plugin);
    const after = run(plugin);
    await Promise.all([before.started, after.started]);
    expect(await after.put('acknowledged')).toBe('acknowledged');
    expect(await before.put('triggered')).toBeNull();
    // In order, each newer answer replaces the last; other URLs are independent.
    expect(await run(plugin).put('resolved')).toBe('resolved');
    const other = run(plugin, 'http://127.0.0.1/api/incidents/inc_2');
    expect(await other.put('triggered')).toBe('triggered');
  });

  it('caches only complete answers, as the strategy would by default', async () => {
    const plugin = newestRequestWins();
    expect(await run(plugin).put('{"type":"about:blank"}', 503)).toBeNull();
    expect(await run(plugin).put('{}', 200)).toBe('{}');
  });
});
