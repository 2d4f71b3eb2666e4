// The demo's one door to PRO test keys: `@x/bulkhead-pro/testing`. Nothing else in the demo trusts a key.
export {
  createTestLicense,
  resetProForTesting,
  type TestLicense,
  trustKeysForTesting,
} from '@x/bulkhead-pro/testing';
