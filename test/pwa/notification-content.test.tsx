import { describe, expect, it } from 'vitest';
import {
  acknowledgedText,
  notificationTitle,
  tapUrl,
  type NotificationData,
} from '../../pwa/src/sw/notification-content';

const ORIGIN = 'https://firebell.example.com';
const paged: NotificationData = {
  kind: 'page',
  state: 'paged',
  incidentId: 'inc_1',
  number: 42,
  title: 'Checkout is down',
  url: '/incidents/inc_1',
  actionToken: 'tok.sig',
};

describe('a page’s notification', () => {
  it('is titled with the incident number, except a test page', () => {
    expect(notificationTitle({ kind: 'page', number: 42, title: 'Checkout is down' })).toBe(
      '#42 Checkout is down',
    );
    expect(notificationTitle({ kind: 'test', number: 0, title: 'Firebell test page' })).toBe(
      'Firebell test page',
    );
  });

  it('opens the incident on a tap where the browser shows action buttons', () => {
    expect(tapUrl(paged, ORIGIN, 2)).toBe(`${ORIGIN}/incidents/inc_1`);
  });

  it('carries the action token for a one-tap acknowledge where the browser shows no buttons', () => {
    expect(tapUrl(paged, ORIGIN, 0)).toBe(`${ORIGIN}/incidents/inc_1?ack=tok.sig`);
    // Once acknowledged (or queued), a tap only opens the incident.
    expect(tapUrl({ ...paged, state: 'acknowledged' }, ORIGIN, 0)).toBe(
      `${ORIGIN}/incidents/inc_1`,
    );
    expect(tapUrl({ ...paged, kind: 'test', url: '/settings' }, ORIGIN, 0)).toBe(
      `${ORIGIN}/settings`,
    );
  });

  it('never opens another origin, whatever the payload says', () => {
    expect(tapUrl({ ...paged, url: 'https://evil.example.net/phish' }, ORIGIN, 2)).toBe(
      `${ORIGIN}/`,
    );
    expect(tapUrl({ ...paged, url: undefined }, ORIGIN, 2)).toBe(`${ORIGIN}/incidents/inc_1`);
  });

  it('says who acknowledged: you, or whoever got there first', () => {
    const token = `${btoa(JSON.stringify({ u: 'usr_ana', i: 'inc_1', e: 1 })).replace(/=+$/, '')}.sig`;
    expect(acknowledgedText({ id: 'usr_ana', name: 'Ana' }, token)).toBe('Acknowledged by you');
    expect(acknowledgedText({ id: 'usr_ben', name: 'Ben' }, token)).toBe(
      'Already acknowledged by Ben',
    );
  });
});
