import { describe, expect, it } from 'vitest';
import {
  ACTION_TOKEN_LIFETIME_MS,
  signActionToken,
  verifyActionToken,
} from '../../worker/push/action-token';

const SECRET = 'action-token-test-secret';
const T0 = 1_800_000_000_000;
const claims = {
  userId: 'usr_ana',
  incidentId: 'inc_1',
  subscriptionId: 'psb_phone',
  exp: T0 + ACTION_TOKEN_LIFETIME_MS,
};

/** Flip one bit of the character at `index` while staying inside the base64url alphabet. */
function flip(token: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const ch = token[index] ?? 'A';
  const swapped = alphabet[alphabet.indexOf(ch) ^ 1] ?? 'A';
  return token.slice(0, index) + swapped + token.slice(index + 1);
}

describe('action tokens', () => {
  it('round-trips the claims of a page until it expires 24 hours later', async () => {
    expect(ACTION_TOKEN_LIFETIME_MS).toBe(24 * 60 * 60 * 1000);
    const token = await signActionToken(SECRET, claims);
    expect(await verifyActionToken(SECRET, token, T0)).toEqual(claims);
    expect(await verifyActionToken(SECRET, token, claims.exp - 1)).toEqual(claims);
  });

  it('rejects a token at or after its expiry', async () => {
    const token = await signActionToken(SECRET, claims);
    expect(await verifyActionToken(SECRET, token, claims.exp)).toBeNull();
    expect(await verifyActionToken(SECRET, token, claims.exp + 60_000)).toBeNull();
  });

  it('rejects a token with one bit flipped in its signature or in its claims', async () => {
    const token = await signActionToken(SECRET, claims);
    const dot = token.indexOf('.');
    expect(await verifyActionToken(SECRET, flip(token, token.length - 5), T0)).toBeNull();
    expect(await verifyActionToken(SECRET, flip(token, 3), T0)).toBeNull();
    expect(await verifyActionToken(SECRET, flip(token, dot - 2), T0)).toBeNull();
  });

  it('rejects a token signed with another secret, and one whose claims were rewritten to another user', async () => {
    const foreign = await signActionToken('some-other-deployment', claims);
    expect(await verifyActionToken(SECRET, foreign, T0)).toBeNull();
    const token = await signActionToken(SECRET, claims);
    const forgedClaims = btoa(
      JSON.stringify({ u: 'usr_mallory', i: 'inc_1', s: 'psb_phone', e: claims.exp }),
    )
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(
      await verifyActionToken(SECRET, `${forgedClaims}.${token.split('.')[1]}`, T0),
    ).toBeNull();
  });

  it('rejects malformed tokens without throwing', async () => {
    for (const bad of [
      '',
      '.',
      'abc',
      'a.b.c',
      'not base64!.sig',
      '%%%.%%%',
      'x'.repeat(5000),
      `${btoa('null')}.AAAA`,
    ]) {
      expect(await verifyActionToken(SECRET, bad, T0)).toBeNull();
    }
  });

  it('keeps a token short enough to ride in a page (well under 300 bytes)', async () => {
    expect(
      (
        await signActionToken(SECRET, {
          ...claims,
          userId: 'usr_01234567890123456789',
          incidentId: 'inc_01234567890123456789',
          subscriptionId: 'psb_01234567890123456789',
        })
      ).length,
    ).toBeLessThan(300);
  });

  it('carries no device when signed without one', async () => {
    const token = await signActionToken(SECRET, {
      userId: 'usr_ana',
      incidentId: 'inc_1',
      exp: T0 + 1000,
    });
    expect(await verifyActionToken(SECRET, token, T0)).toEqual({
      userId: 'usr_ana',
      incidentId: 'inc_1',
      exp: T0 + 1000,
    });
  });
});
