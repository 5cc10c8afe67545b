/** The in-memory Forge keeps the Forge contract, so use-case tests on it mean something. */
import { FakeForge } from '../../support/fake-forge.js';
import { forgeWritesContract } from '../../support/forge-contract.js';

describe('FakeForge', () => {
  const forge = new FakeForge();
  forgeWritesContract(() => forge);
});
