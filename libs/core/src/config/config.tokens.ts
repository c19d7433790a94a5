/** Injection token for the validated {@link GatehouseConfig}. */
export const GATEHOUSE_CONFIG = Symbol('GATEHOUSE_CONFIG');
