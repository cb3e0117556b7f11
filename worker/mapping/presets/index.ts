/**
 * The ready-made mappings shipped with Firebell, one module per monitor, in the order the Admin screen lists them.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';
import { awsCloudwatch } from './aws-cloudwatch';
import { datadog } from './datadog';
import { githubActions } from './github-actions';
import { gitlabPipeline } from './gitlab-pipeline';
import { icinga2 } from './icinga2';
import { monit } from './monit';
import { nagios } from './nagios';
import { netdata } from './netdata';
import { sentry } from './sentry';
import { uptimeKuma } from './uptime-kuma';
import { zabbix } from './zabbix';

export const MAPPING_PRESETS: readonly MappingPreset[] = [
  uptimeKuma,
  sentry,
  datadog,
  zabbix,
  netdata,
  monit,
  nagios,
  icinga2,
  awsCloudwatch,
  githubActions,
  gitlabPipeline,
];
