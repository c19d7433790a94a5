export default async function globalTeardown() {
  await globalThis.__GATEHOUSE_TEST_DATABASE__?.stop();
}
