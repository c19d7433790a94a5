export { AuthorizeUiModule } from './authorize-ui.module';
export { SessionsService } from './sessions/sessions.service';
export type { LoginSession } from './sessions/sessions.service';
export { SESSION_COOKIE } from './sessions/session-cookie';
export { TwoFactorService } from './two-factor/two-factor.service';
export { parseAuthorizeRequest, redirectUrlProblem, addQueryArgs } from './authorize/authorize-request';
export type { AuthorizeRequest, AuthorizeProblem } from './authorize/authorize-request';
export { AUTHORIZE_CODE_TTL_MS } from './authorize/authorize-codes.service';
export { THROTTLE_WINDOW_MS, ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT } from './login/login-throttle.service';
