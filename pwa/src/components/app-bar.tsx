import type { ComponentChildren } from 'preact';

interface Props {
  /** Where the back arrow goes; omitted on the home screen. */
  back?: string;
  title?: string;
  /** Hide the settings link where there is no session to configure (join, signed out). */
  settings?: boolean;
  children?: ComponentChildren;
}

/** The fixed-height top bar: back or brand on the left, page extras and settings on the right. */
export function AppBar({ back, title = 'Firebell', settings = true, children }: Props) {
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
      {settings && (
        <a class="icon-button" href="/settings" aria-label="Settings">
          ⚙
        </a>
      )}
    </header>
  );
}
