'use strict';
/** The unauthenticated site index: what the server costs before any credential is checked. */
module.exports = {
  name: 'baseline',
  order: 0,
  async prepare() {
    return { path: '/wp-json/' };
  },
};
