/**
 * Two reads of one URL can finish out of order (a reconnect's reload racing the read before it), and a
 * NetworkFirst cache keeps whichever answer was put last: offline, the page would open older than it was
 * last seen. This plugin keeps the answer to the newest request instead. Only 200s are cached, as the
 * strategy's own default does (a plugin with cacheWillUpdate replaces that default).
 */
import type { WorkboxPlugin } from 'workbox-core/types';

export function newestRequestWins(): WorkboxPlugin {
  let issued = 0;
  /** Per URL, the sequence number of the request whose answer is in the cache. */
  const cached = new Map<string, number>();
  return {
    handlerWillStart: async ({ state }) => {
      if (state) state.seq = ++issued;
    },
    cacheWillUpdate: async ({ request, response, state }) => {
      if (response.status !== 200) return null;
      const seq = typeof state?.seq === 'number' ? state.seq : ++issued;
      if (seq < (cached.get(request.url) ?? 0)) return null;
      cached.set(request.url, seq);
      return response;
    },
  };
}
