import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { mergeAdjacent, onCallAt, renderShifts } from '../../worker/oncall/render';
import type { Layer, Override, Schedule } from '../../worker/oncall/types';

const ZONE = 'Europe/Berlin';
const local = (iso: string): number => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const bottom: Layer = {
  id: 'base',
  name: '24/7',
  users: ['a', 'b'],
  rotation: { type: 'daily' },
  start: '2026-03-01T09:00',
};
const top: Layer = {
  id: 'office',
  name: 'Office hours',
  users: ['x'],
  rotation: { type: 'weekly' },
  start: '2026-03-02T09:00',
  restrictions: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
};
const schedule = (layers: Layer[], overrides: Override[] = []): Schedule => ({
  id: 's1',
  name: 'Ops',
  timeZone: ZONE,
  layers,
  overrides,
});

describe('layering', () => {
  it('lets a higher layer override a lower one only where it has someone on call', () => {
    const s = schedule([bottom, top]);
    expect(renderShifts(s, local('2026-03-02T00:00'), local('2026-03-03T00:00'))).toEqual([
      {
        userId: 'a',
        start: local('2026-03-02T00:00'),
        end: local('2026-03-02T09:00'),
        layerId: 'base',
      },
      {
        userId: 'x',
        start: local('2026-03-02T09:00'),
        end: local('2026-03-02T17:00'),
        layerId: 'office',
      },
      {
        userId: 'b',
        start: local('2026-03-02T17:00'),
        end: local('2026-03-03T00:00'),
        layerId: 'base',
      },
    ]);
    expect(onCallAt(s, local('2026-03-02T12:00'))).toEqual(['x']);
    expect(onCallAt(s, local('2026-03-02T20:00'))).toEqual(['b']);
    expect(onCallAt(s, local('2026-03-07T12:00'))).toEqual(['a']); // Saturday: office layer is empty
  });

  it('has nobody on call when no layer has anyone', () => {
    expect(onCallAt(schedule([top]), local('2026-03-02T20:00'))).toEqual([]);
    expect(
      renderShifts(schedule([]), local('2026-03-02T00:00'), local('2026-03-03T00:00')),
    ).toEqual([]);
  });
});

describe('overrides', () => {
  const override: Override = {
    userId: 'c',
    start: local('2026-03-02T12:00'),
    end: local('2026-03-02T15:00'),
  };

  it('replaces the on-call user for the override interval and splits the surrounding shift around it', () => {
    const s = schedule([bottom], [override]);
    expect(renderShifts(s, local('2026-03-02T09:00'), local('2026-03-03T09:00'))).toEqual([
      {
        userId: 'b',
        start: local('2026-03-02T09:00'),
        end: local('2026-03-02T12:00'),
        layerId: 'base',
      },
      {
        userId: 'c',
        start: local('2026-03-02T12:00'),
        end: local('2026-03-02T15:00'),
        override: true,
      },
      {
        userId: 'b',
        start: local('2026-03-02T15:00'),
        end: local('2026-03-03T09:00'),
        layerId: 'base',
      },
    ]);
    expect(onCallAt(s, local('2026-03-02T11:59'))).toEqual(['b']);
    expect(onCallAt(s, local('2026-03-02T12:00'))).toEqual(['c']);
    expect(onCallAt(s, local('2026-03-02T15:00'))).toEqual(['b']);
  });

  it('overrides a higher layer too, and fills a gap where no layer has anyone', () => {
    const s = schedule(
      [top],
      [{ userId: 'c', start: local('2026-03-02T16:00'), end: local('2026-03-02T18:00') }],
    );
    expect(renderShifts(s, local('2026-03-02T00:00'), local('2026-03-03T00:00'))).toEqual([
      {
        userId: 'x',
        start: local('2026-03-02T09:00'),
        end: local('2026-03-02T16:00'),
        layerId: 'office',
      },
      {
        userId: 'c',
        start: local('2026-03-02T16:00'),
        end: local('2026-03-02T18:00'),
        override: true,
      },
    ]);
  });

  it('lets the later of two overlapping overrides win', () => {
    const s = schedule(
      [bottom],
      [override, { userId: 'd', start: local('2026-03-02T14:00'), end: local('2026-03-02T16:00') }],
    );
    expect(
      renderShifts(s, local('2026-03-02T11:00'), local('2026-03-02T17:00')).map((x) => x.userId),
    ).toEqual(['b', 'c', 'd', 'b']);
  });
});

describe('merging and clipping', () => {
  it('merges consecutive daily shifts of a single-user rotation into one shift clipped to the window', () => {
    const solo: Layer = { ...bottom, users: ['a'] };
    expect(
      renderShifts(schedule([solo]), local('2026-03-02T12:00'), local('2026-03-06T12:00')),
    ).toEqual([
      {
        userId: 'a',
        start: local('2026-03-02T12:00'),
        end: local('2026-03-06T12:00'),
        layerId: 'base',
      },
    ]);
  });

  it('merges the same user across layers and an override but drops the provenance that no longer applies', () => {
    const solo: Layer = { ...bottom, users: ['x'] };
    const s = schedule(
      [solo, top],
      [{ userId: 'x', start: local('2026-03-02T17:00'), end: local('2026-03-02T18:00') }],
    );
    expect(renderShifts(s, local('2026-03-02T00:00'), local('2026-03-03T00:00'))).toEqual([
      { userId: 'x', start: local('2026-03-02T00:00'), end: local('2026-03-03T00:00') },
    ]);
  });

  it('merges only shifts that touch and belong to the same user', () => {
    expect(
      mergeAdjacent([
        { userId: 'a', start: 0, end: 10, layerId: 'L' },
        { userId: 'a', start: 10, end: 20, layerId: 'L' },
        { userId: 'a', start: 25, end: 30, layerId: 'L' },
        { userId: 'b', start: 30, end: 40, layerId: 'L' },
      ]),
    ).toEqual([
      { userId: 'a', start: 0, end: 20, layerId: 'L' },
      { userId: 'a', start: 25, end: 30, layerId: 'L' },
      { userId: 'b', start: 30, end: 40, layerId: 'L' },
    ]);
  });

  it('returns nothing for an empty or inverted window', () => {
    expect(renderShifts(schedule([bottom]), 10, 10)).toEqual([]);
    expect(renderShifts(schedule([bottom]), 20, 10)).toEqual([]);
  });
});
