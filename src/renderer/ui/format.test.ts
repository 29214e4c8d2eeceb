import { describe, expect, it } from 'vitest';
import { parseTags } from './format';

describe('parseTags', () => {
  it('trims, drops empties and duplicates', () => {
    expect(parseTags(' web, db ,,web ')).toEqual(['web', 'db']);
  });
});
