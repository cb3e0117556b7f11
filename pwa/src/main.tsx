import { render } from 'preact';
import { App } from './app';
import { registerServiceWorker } from './lib/sw-bridge';

render(<App />, document.getElementById('app')!);
registerServiceWorker();
