import { safeRedirectPath } from './page-context';

describe('safeRedirectPath', () => {
  it.each([
    ['/wp-admin/profile.php', '/wp-admin/profile.php'],
    ['/wp-admin/authorize-application.php?app_name=a&success_url=https%3A%2F%2Fx', '/wp-admin/authorize-application.php?app_name=a&success_url=https%3A%2F%2Fx'],
    ['//evil.example', null],
    ['/\\evil.example', null],
    ['\\\\evil.example', null],
    ['https://evil.example/', null],
    ['javascript:alert(1)', null],
    ['relative', null],
    ['/x\r\nLocation: https://evil', null],
    ['', null],
  ])('%s → %s', (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });
});
