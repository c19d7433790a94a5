'use strict';
/** A JWT access token as a bearer credential on the smallest authenticated route (signature check + cached grant check). */
module.exports = {
  name: 'bearer',
  order: 30,
  async prepare(ctx) {
    const response = await fetch(`${ctx.baseUrl}/wp-json/wp/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: ctx.appPasswordUuid, api_secret: ctx.appPassword }),
    });
    if (response.status !== 200) throw new Error(`bearer: POST /wp/v2/token answered ${response.status}: ${await response.text()}`);
    const { access_token: accessToken } = await response.json();
    return { path: '/wp-json/wp/v2/users/me', headers: { authorization: `Bearer ${accessToken}` } };
  },
};
