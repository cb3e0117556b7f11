/** Atom and RSS of the public updates (the `feed` package), newest first. */
import { Feed } from 'feed';
import { updateLabel } from './labels';
import type { Snapshot } from './snapshot';

function build(s: Snapshot): Feed {
  const feed = new Feed({
    id: s.url,
    title: `${s.name} status`,
    description: `Incidents and maintenance of ${s.name}`,
    link: s.url,
    language: 'en',
    updated: new Date(s.updatedAt || s.now),
    generator: false,
    copyright: s.name,
    feedLinks: { atom: `${s.url}/feed.atom`, rss: `${s.url}/feed.rss` },
  });
  const items = s.publications
    .flatMap((p) => p.updates.map((u) => ({ p, u })))
    .sort((a, b) => b.u.createdAt - a.u.createdAt)
    .slice(0, 50);
  for (const { p, u } of items) {
    const affected = u.components.map((c) => c.name).join(', ');
    feed.addItem({
      title: `${p.title}: ${updateLabel(u.status)}`,
      id: `${s.url}#${u.id}`,
      link: `${s.url}#${p.id}`,
      date: new Date(u.createdAt),
      description: u.body,
      content: affected ? `${u.body}\n\nAffects: ${affected}` : u.body,
    });
  }
  return feed;
}

export const atom = (s: Snapshot): string => build(s).atom1();
export const rss = (s: Snapshot): string => build(s).rss2();
