import { isUuid, isUuidIgnoringCase } from './uuid';

describe('UUID checks', () => {
  const id = '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11';

  it('accepts lowercase UUIDs of any version, as wp_is_uuid does', () => {
    expect(isUuid(id)).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
  });

  it('refuses uppercase, braces, missing groups and trailing text unless case is ignored', () => {
    expect(isUuid(id.toUpperCase())).toBe(false);
    expect(isUuidIgnoringCase(id.toUpperCase())).toBe(true);
    for (const bad of [`{${id}}`, id.replace(/-/g, ''), `${id}\n`, `${id}0`, 'not-a-uuid', '']) {
      expect(isUuid(bad)).toBe(false);
      expect(isUuidIgnoringCase(bad)).toBe(false);
    }
  });
});
