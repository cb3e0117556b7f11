import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

export class ServiceRouter extends DurableObject<Env> {}
