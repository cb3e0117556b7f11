import { createApp } from './app';

export { IncidentObject } from './incident/object';
export { ServiceRouter } from './service/router';

export default createApp();
