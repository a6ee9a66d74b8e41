/**
 * Jest runs each spec in its own VM context, so an error Node creates (a
 * refused connection) is not `instanceof Error` inside the spec's realm.
 * The `consul` client (papi) tells failures from results with exactly that
 * check, and under Jest resolves a refused request with the error instead of
 * rejecting (plain Node rejects). Specs that drive it use this environment:
 * the sandbox shares the outer realm's Error.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

export default class OuterRealmErrors extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.global.Error = Error;
  }
}
