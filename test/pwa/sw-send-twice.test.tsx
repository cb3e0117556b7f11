import { describe, expect, it, vi } from 'vitest';
import { sendTwice } from '../../pwa/src/sw/send-twice';

const ack = () =>
  new Request('http://127.0.0.1/api/push/ack', {
    method: 'POST',
    headers: { 'idempotency-key': 'k1' },
    body: '{"token":"t"}',
  });

describe('the Acknowledge request from a notification', () => {
  it('is sent once more, with the same Idempotency-Key and body, when the first answer is lost', async () => {
    const send = vi
      .fn<(r: Request) => Promise<Response>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(new Response('{"incident":{}}', { status: 200 }));
    const res = await sendTwice(ack(), send);
    expect(res.status).toBe(200);
    expect(send).toHaveBeenCalledTimes(2);
    const [again] = send.mock.calls[1]!;
    expect(again.headers.get('idempotency-key')).toBe('k1');
    expect(await again.text()).toBe('{"token":"t"}');
  });

  it('is sent once more after a 5xx, but not after a refusal the server meant', async () => {
    const flaky = vi
      .fn<(r: Request) => Promise<Response>>()
      .mockResolvedValueOnce(new Response('', { status: 503 }))
      .mockResolvedValueOnce(new Response('{}', { status: 200 }));
    expect((await sendTwice(ack(), flaky)).status).toBe(200);
    const refused = vi
      .fn<(r: Request) => Promise<Response>>()
      .mockResolvedValue(new Response('{}', { status: 401 }));
    expect((await sendTwice(ack(), refused)).status).toBe(401);
    expect(refused).toHaveBeenCalledTimes(1);
  });

  it('gives up after the second try, so an offline phone queues the acknowledgement', async () => {
    const offline = vi
      .fn<(r: Request) => Promise<Response>>()
      .mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(sendTwice(ack(), offline)).rejects.toThrow('Failed to fetch');
    expect(offline).toHaveBeenCalledTimes(2);
  });
});
