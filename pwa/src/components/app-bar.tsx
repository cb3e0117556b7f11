import type { ComponentChildren } from 'preact';

interface Props {
  /** Where the back arrow goes; omitted on top-level pages (the tab bar reaches those). */
  back?: string;
  title?: string;
  children?: ComponentChildren;
}

/** The fixed-height top bar: back or brand on the left, the title, then page extras on the right. */
export function AppBar({ back, title = 'Firebell', children }: Props) {
  return (
    <header class="app-bar">
      {back ? (
        <a class="icon-button" href={back} aria-label="Back">
          ‹
        </a>
      ) : (
        <img class="brand-icon" src="/icons/icon.svg" alt="" width={28} height={28} />
      )}
      <span class="app-bar-title">{title}</span>
      {children}
    </header>
  );
}
