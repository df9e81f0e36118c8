import { describe, expect, it } from 'vitest';
import { presentFromSearch, presenterKey, viewForLesson, withPresent } from './presenterKeys';

const key = (over: Partial<Parameters<typeof presenterKey>[0]>) => ({ key: '', code: '', altKey: false, shiftKey: false, ctrlKey: false, metaKey: false, ...over });

describe('presenter mode in the address', () => {
  it.each([
    ['', false],
    ['?present=1', true],
    ['?present', true],
    ['?present=true', true],
    ['?present=0', false],
    ['?present=false', false],
    ['?lesson=lifecycle&present=1', true],
  ])('%s → %s', (search, on) => expect(presentFromSearch(search)).toBe(on));

  it.each([
    ['', true, '?present=1'],
    ['?lesson=a', true, '?lesson=a&present=1'],
    ['?present=1', false, ''],
    ['?lesson=a&present=1', false, '?lesson=a'],
  ])('withPresent(%s, %s) → %s', (search, on, out) => expect(withPresent(search, on)).toBe(out));
});

describe('presenter keys', () => {
  it.each([
    [key({ code: 'KeyP', key: 'P', altKey: true, shiftKey: true }), false, 'toggle'],
    [key({ code: 'KeyP', key: '∏', altKey: true, shiftKey: true }), true, 'toggle'],
    [key({ key: 'ArrowRight', altKey: true, shiftKey: true }), true, 'next'],
    [key({ key: 'ArrowLeft', altKey: true, shiftKey: true }), true, 'prev'],
    [key({ code: 'KeyR', altKey: true, shiftKey: true }), true, 'run'],
    [key({ key: 'PageDown' }), true, 'next'],
    [key({ key: 'PageUp' }), true, 'prev'],
    // Outside presenter mode only the toggle is taken; the terminal keeps PageUp/PageDown.
    [key({ key: 'PageDown' }), false, null],
    [key({ key: 'ArrowRight', altKey: true, shiftKey: true }), false, null],
    [key({ key: 'PageDown', shiftKey: true }), true, null],
    [key({ code: 'KeyP', altKey: true, shiftKey: true, ctrlKey: true }), true, null],
    [key({ key: 'ArrowRight' }), true, null],
  ])('%o while presenting=%s → %s', (e, presenting, action) => expect(presenterKey(e, presenting)).toBe(action));
});

describe('the diagram a lesson opens in presenter mode', () => {
  it.each([
    ['first-container', 'lifecycle'],
    ['lifecycle', 'lifecycle'],
    ['images', 'layers'],
    ['union-fs', 'layers'],
    ['rootfs', 'layers'],
    ['building', 'layers'],
    ['process', 'kernel'],
    ['cgroups', 'kernel'],
    ['networking', 'network'],
    ['network-modes', 'network'],
    ['many-hosts', 'network'],
    ['volumes', 'volumes'],
    ['something-else', null],
  ])('%s → %s', (id, view) => expect(viewForLesson(id)).toBe(view));
});
