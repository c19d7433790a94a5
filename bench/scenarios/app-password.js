'use strict';
/** An application password over HTTP Basic, as a WordPress client sends it, on the smallest authenticated route. */
module.exports = {
  name: 'app-password',
  order: 10,
  async prepare(ctx) {
    const credentials = Buffer.from(`${ctx.login}:${ctx.appPassword}`).toString('base64');
    return { path: '/wp-json/wp/v2/users/me', headers: { authorization: `Basic ${credentials}` } };
  },
};
