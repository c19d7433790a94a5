'use strict';
/**
 * Refresh-token rotation: every request spends one refresh token and the new one from its answer goes
 * back into the pool, so each token is presented exactly once (a second use would be reuse and would
 * revoke its family). The pool is shared rather than kept per connection because autocannon resets a
 * connection's context after each pass over `requests`; with more tokens than connections, a request
 * always finds one that is not in flight.
 */
const TOKEN_PATH = '/wp-json/wp/v2/token';

async function mint(ctx) {
  const response = await fetch(ctx.baseUrl + TOKEN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: ctx.appPasswordUuid, api_secret: ctx.appPassword }),
  });
  if (response.status !== 200) throw new Error(`refresh: POST /wp/v2/token answered ${response.status}: ${await response.text()}`);
  return (await response.json()).refresh_token;
}

module.exports = {
  name: 'refresh',
  order: 40,
  async prepare(ctx) {
    // Each token is its own family; twice as many as connections, so none waits for one in flight.
    const pool = [];
    for (let batch = 0; batch < 2; batch++) pool.push(...(await Promise.all(Array.from({ length: ctx.connections }, () => mint(ctx)))));
    return {
      requests: [
        {
          method: 'POST',
          path: TOKEN_PATH,
          headers: { 'content-type': 'application/json' },
          setupRequest(request) {
            const refreshToken = pool.shift();
            if (!refreshToken) throw new Error('refresh: the pool of refresh tokens ran dry (failed rotations)');
            return { ...request, body: JSON.stringify({ refresh_token: refreshToken }) };
          },
          onResponse(status, body) {
            if (status === 200) pool.push(JSON.parse(body).refresh_token);
          },
        },
      ],
    };
  },
};
