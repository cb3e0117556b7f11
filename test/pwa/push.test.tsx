import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UserFacingError } from '../../pwa/src/lib/api';
import {
  SUBSCRIBE_TIMEOUT_MS,
  checkDevice,
  deviceLabel,
  isIos,
  turnOnPaging,
} from '../../pwa/src/lib/push';
import {
  VAPID,
  browserWith,
  toBase64url,
  json,
  stubFetch,
  subscription,
  type FakeSubscription,
} from './fakes';

describe('this device’s pages', () => {
  beforeEach(() => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36',
    );
  });

  it('names a device the way its owner would recognise it', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
      ),
    ).toBe('Android phone · Chrome');
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('iPhone · Safari');
    expect(
      deviceLabel(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      ),
    ).toBe('Windows PC · Firefox');
  });

  it('knows an iPad that calls itself a Mac by its touch screen', () => {
    expect(
      isIos({
        userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15',
        maxTouchPoints: 5,
      }),
    ).toBe(true);
    expect(
      isIos({
        userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15',
        maxTouchPoints: 0,
      }),
    ).toBe(false);
  });

  it('tells iPhone users in a browser tab to add the app to the Home Screen first, and never prompts them', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1',
    );
    const { Notification } = browserWith({});

    expect(await checkDevice()).toEqual({ kind: 'install-first' });
    await expect(turnOnPaging()).rejects.toThrow(/add Firebell to your Home Screen first/);
    expect(Notification.requestPermission).not.toHaveBeenCalled();
  });

  it('reports off, blocked, on, and lost without ever asking for permission', async () => {
    browserWith({ permission: 'default' });
    expect(await checkDevice()).toEqual({ kind: 'off' });

    browserWith({ permission: 'denied' });
    expect(await checkDevice()).toEqual({ kind: 'blocked' });

    const device = {
      id: 'psb_1',
      label: 'Pixel',
      endpoint: 'https://push.example.net/send/abc',
      createdAt: 1,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastFailure: null,
      verifiedAt: null,
    };
    const { Notification } = browserWith({ permission: 'granted', existing: subscription() });
    stubFetch({ 'GET /api/push/subscriptions': () => json({ subscriptions: [device] }) });
    expect(await checkDevice()).toEqual({ kind: 'on', device });

    stubFetch({ 'GET /api/push/subscriptions': () => json({ subscriptions: [] }) });
    expect(await checkDevice()).toEqual({ kind: 'lost' });
    expect(Notification.requestPermission).not.toHaveBeenCalled();
  });

  it('asks for permission, subscribes with the server’s VAPID key and registers the subscription with a label', async () => {
    const { Notification, pushManager } = browserWith({ permission: 'default' });
    const calls = stubFetch({
      'GET /api/push/vapid-public-key': () => json({ publicKey: VAPID }),
      'POST /api/push/subscriptions': ({ body }) =>
        json({ subscription: { id: 'psb_1', ...(body as object) } }, 201),
    });

    const device = await turnOnPaging();

    expect(Notification.requestPermission).toHaveBeenCalledTimes(1);
    const options = (pushManager.subscribe.mock.calls as unknown as unknown[][])[0]![0] as {
      userVisibleOnly: boolean;
      applicationServerKey: Uint8Array;
    };
    expect(options.userVisibleOnly).toBe(true);
    expect(toBase64url(options.applicationServerKey)).toBe(VAPID);
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      endpoint: 'https://push.example.net/send/abc',
      keys: { p256dh: 'BPp256dh', auth: 'authsecret' },
      label: 'Android phone · Chrome',
    });
    expect(device.id).toBe('psb_1');
  });

  it('gets this browser a fresh endpoint when its old one is registered to the person who signed in here before', async () => {
    const previous = subscription('https://push.example.net/send/theirs');
    const { pushManager } = browserWith({
      permission: 'granted',
      existing: previous,
      subscribe: async () => subscription('https://push.example.net/send/mine'),
    });
    const calls = stubFetch({
      'GET /api/push/vapid-public-key': () => json({ publicKey: VAPID }),
      'POST /api/push/subscriptions': ({ body }) =>
        (body as { endpoint: string }).endpoint.endsWith('/theirs')
          ? new Response(
              JSON.stringify({
                type: 'https://firebell.dev/problems/conflict',
                title: 'Conflict',
                status: 409,
                code: 'conflict',
                detail: 'Registered to someone else.',
                endpointTaken: true,
              }),
              { status: 409, headers: { 'content-type': 'application/problem+json' } },
            )
          : json({ subscription: { id: 'psb_2', ...(body as object) } }, 201),
    });

    const device = await turnOnPaging();

    expect(previous.unsubscribe).toHaveBeenCalledTimes(1);
    expect(pushManager.subscribe).toHaveBeenCalledTimes(1);
    expect(
      calls
        .filter((c) => c.method === 'POST')
        .map((c) => (c.body as { endpoint: string }).endpoint),
    ).toEqual(['https://push.example.net/send/theirs', 'https://push.example.net/send/mine']);
    expect(device).toMatchObject({ id: 'psb_2', endpoint: 'https://push.example.net/send/mine' });
  });

  it('gives up on a push service that never answers, instead of spinning forever', async () => {
    vi.useFakeTimers();
    browserWith({
      permission: 'granted',
      subscribe: () => new Promise<FakeSubscription>(() => {}),
    });
    stubFetch({ 'GET /api/push/vapid-public-key': () => json({ publicKey: VAPID }) });

    const result = turnOnPaging().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SUBSCRIBE_TIMEOUT_MS + 1);

    const err = await result;
    expect(err).toBeInstanceOf(UserFacingError);
    expect((err as Error).message).toMatch(/push service did not answer/);
  });

  it('says plainly when permission is refused', async () => {
    browserWith({ permission: 'default', answer: 'denied' });

    await expect(turnOnPaging()).rejects.toThrow(/Notifications are blocked for Firebell/);
  });
});
