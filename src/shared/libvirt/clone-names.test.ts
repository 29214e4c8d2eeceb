import { describe, expect, it } from 'vitest';
import { cloneVolumeName, expandCloneNames } from './clone-names';

describe('clone names', () => {
  it('expands a pattern and skips taken names', () => {
    expect(expandCloneNames('web-{n}', 3, 'web', ['web-2'])).toEqual(['web-1', 'web-3', 'web-4']);
    expect(expandCloneNames('{name}-{nn}', 2, 'db', [])).toEqual(['db-01', 'db-02']);
    expect(expandCloneNames('copy of {name}', 1, 'db', [])).toEqual(['copy of db']);
  });
  it('refuses what cannot work', () => {
    expect(() => expandCloneNames('web', 2, 'x', [])).toThrow(/\{n\}/);
    expect(() => expandCloneNames('web', 1, 'x', ['web'])).toThrow(/exists/);
    expect(() => expandCloneNames('a/b', 1, 'x', [])).toThrow(/\//);
  });
  it('makes safe file names', () => {
    expect(cloneVolumeName('we $(b) "q" 名', 'vda', '.qcow2', true)).toBe('we_b_q_.qcow2');
    expect(cloneVolumeName('x', 'vdb', '.img', false)).toBe('x-vdb.img');
  });
});
