import type { JsonWebKey as NodeJsonWebKey, webcrypto } from 'node:crypto';
import type { JWK } from 'jose';
import { expectTypeOf, test } from 'vitest';
import { createTestLicense, type TestLicense, trustKeysForTesting } from './testing.js';

test('trustKeysForTesting takes the JWK types of node:crypto, WebCrypto and jose, and createTestLicense keys', () => {
  expectTypeOf(trustKeysForTesting).toBeCallableWith([{} as NodeJsonWebKey]);
  expectTypeOf(trustKeysForTesting).toBeCallableWith([{} as webcrypto.JsonWebKey]);
  expectTypeOf(trustKeysForTesting).toBeCallableWith([{} as JWK]);
  expectTypeOf(trustKeysForTesting).toBeCallableWith([{} as TestLicense['publicKey']]);
  expectTypeOf(createTestLicense).returns.resolves.toEqualTypeOf<TestLicense>();
  expectTypeOf<TestLicense['licenseKey']>().toEqualTypeOf<string>();
  expectTypeOf<TestLicense['kid']>().toEqualTypeOf<string>();
});
