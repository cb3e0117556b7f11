/**
 * The ready-made mappings shipped with Firebell, one module per monitor, in the order the Admin screen lists them.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';
import { icinga2 } from './icinga2';
import { monit } from './monit';
import { nagios } from './nagios';

export const MAPPING_PRESETS: readonly MappingPreset[] = [monit, nagios, icinga2];
