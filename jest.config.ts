import * as path from 'path';
import type { Config } from 'jest';

/** Tests import the packages' TypeScript sources directly, so `npm test` needs no build. */
const moduleNameMapper = {
  '^@zen/(autograd-core|nn|datasets)$': path.join(__dirname, 'packages/$1/src/index.ts'),
};
const tsconfig = path.join(__dirname, 'tsconfig.test.json');

const project = (dir: string): Config => ({
  displayName: path.basename(dir),
  rootDir: path.join(__dirname, dir),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig }] },
  moduleNameMapper,
});

const config: Config = {
  // Training tests take a few seconds on a quiet machine; a loaded CI machine may be several
  // times slower, so no test fails for being slow (speed is measured by benchmarks, not tests).
  // A global option: jest ignores it inside a project's config.
  testTimeout: 60_000,
  projects: [
    'packages/autograd-core',
    'packages/datasets',
    'packages/nn',
    'examples',
    'benchmarks',
    'docs',
  ].map(project),
};

export default config;
