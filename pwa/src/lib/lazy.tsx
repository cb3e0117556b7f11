/**
 * Load a page's code the first time it is shown, keeping it out of the initial bundle. The chunk is
 * precached by the service worker like everything else, so it opens offline too.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A component that renders a placeholder until `load` has brought in the real one. */
export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
): (props: P) => JSX.Element {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      loading ??= load().then((c) => (loaded = c));
      loading.then(
        (c) => setPage(() => c),
        () => {
          loading = null; // let the next visit try again
          setFailed(true);
        },
      );
    }, [Page]);
    if (Page) return <Page {...props} />;
    return failed ? (
      <p class="notice notice-error page" role="alert">
        This page could not be loaded. Check your connection and try again.
      </p>
    ) : (
      <div class="splash" aria-busy="true" />
    );
  };
}
