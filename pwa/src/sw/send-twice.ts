/**
 * The Acknowledge tap's request, sent once more at once if the first try's answer is lost (a dropped keep-alive
 * connection) or is a 5xx. The retry carries the same Idempotency-Key, so the acknowledgement lands once and the
 * retry answers with its result. Still failing to connect after that means offline: the caller queues it.
 */
export async function sendTwice(
  request: Request,
  send: (r: Request) => Promise<Response> = (r) => fetch(r),
): Promise<Response> {
  try {
    const first = await send(request.clone());
    if (first.status < 500) return first;
  } catch {
    // Lost on the way: try again below.
  }
  return send(request.clone());
}
