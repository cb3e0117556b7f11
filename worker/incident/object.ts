import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

export class IncidentObject extends DurableObject<Env> {}
