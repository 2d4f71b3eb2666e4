// Helpers for tests of applications and packages built on @x/bulkhead-core; never needed in production code.
export { resetEntitlementForTesting } from './init.js';
