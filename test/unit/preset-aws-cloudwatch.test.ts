/**
 * The AWS CloudWatch ready-made mapping against CloudWatch's alarm messages as AWS documents them
 * (test/fixtures/monitors/aws-cloudwatch/SOURCE.md): what the SNS notification's Message becomes.
 */
import { describe, expect, it } from 'vitest';
import { mappingPresetSchema } from '../../schema/mapping-schemas';
import { applyMapping } from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';
import { awsCloudwatch } from '../../worker/mapping/presets/aws-cloudwatch';
import { MAPPING_PRESETS } from '../../worker/mapping/presets';
import alarm from '../fixtures/monitors/aws-cloudwatch/alarm.json';
import multiple from '../fixtures/monitors/aws-cloudwatch/alarm-multiple-metrics.json';
import documented from '../fixtures/monitors/aws-cloudwatch/documented-alarm.json';
import ok from '../fixtures/monitors/aws-cloudwatch/ok.json';

const map = (body: unknown) =>
  applyMapping(awsCloudwatch.mapping, body, { integrationName: 'CloudWatch' });

describe('the AWS CloudWatch preset', () => {
  it('is listed, valid, and every expression parses', () => {
    expect(MAPPING_PRESETS).toContain(awsCloudwatch);
    expect(mappingPresetSchema.safeParse(awsCloudwatch).success).toBe(true);
    expect(mappingErrors(awsCloudwatch.mapping)).toEqual([]);
  });

  it('triggers on ALARM with the alarm’s name and reason, its time, and a link to the alarm in the console', async () => {
    const { events, notes } = await map(alarm);
    expect(notes).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'trigger',
      severity: 'error',
      summary: expect.stringMatching(/^checkout-high-cpu: Threshold Crossed: 1 out of the last 1/),
      dedupKey: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-high-cpu',
      source: 'US East (N. Virginia)',
      occurredAt: Date.parse('2026-12-03T14:10:27.123Z'),
      links: [
        {
          href: 'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/checkout-high-cpu',
          text: 'CloudWatch alarm',
        },
      ],
    });
  });

  it('resolves on OK, under the same dedup key as the ALARM it ends', async () => {
    const [opened] = (await map(alarm)).events;
    const { events, notes } = await map(ok);
    expect(notes).toEqual([]);
    expect(events[0]).toMatchObject({ action: 'resolve', dedupKey: opened?.dedupKey });
  });

  it('opens a warning, not a recovery, on INSUFFICIENT_DATA', async () => {
    const { events } = await map({ ...alarm, NewStateValue: 'INSUFFICIENT_DATA' });
    expect(events[0]).toMatchObject({ action: 'trigger', severity: 'warning' });
  });

  it('maps AWS’s published samples, single-metric and metric-math, without a fallback', async () => {
    for (const body of [documented, multiple]) {
      const { events, notes } = await map(body);
      expect(notes).toEqual([]);
      expect(events[0]).toMatchObject({
        action: 'trigger',
        dedupKey: 'arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE',
      });
    }
  });

  it('groups an old message without AlarmArn by account and alarm name, with no console link', async () => {
    const { AlarmArn: _arn, ...older } = alarm;
    const { events } = await map(older);
    expect(events[0]).toMatchObject({ dedupKey: '123456789012:checkout-high-cpu', links: [] });
  });
});
