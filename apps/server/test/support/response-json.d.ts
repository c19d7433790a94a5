// Tests read arbitrary WordPress JSON and assert on it field by field; `any` is the honest type there.
declare global {
  interface Response {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json<T = any>(): Promise<T>;
  }
}
export {};
