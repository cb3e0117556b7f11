/**
 * After a window or silence changes in D1: bump each touched service's version and push its windows and
 * silences to its router, which keeps only the newest version (pushes that cross settle on the latest).
 */
import { bumpQuietVersion, quietSetOf } from '../directory/maintenance';
import type { Env } from '../env';
import { serviceRouter } from '../stubs';

export async function pushQuiet(
  env: Env,
  serviceIds: readonly string[],
  at: number,
): Promise<void> {
  await Promise.all(
    serviceIds.map(async (serviceId) => {
      await bumpQuietVersion(env.DB, serviceId);
      const { version, set } = await quietSetOf(env.DB, serviceId, at);
      await serviceRouter(env, serviceId).setQuiet(serviceId, version, set);
    }),
  );
}
