/** The contract layer: the spec read into typed records, its access rules and compiled validators. Pure: no HTTP. */
export * from './roles.js';
export * from './access-rule.js';
export * from './access-model.js';
export * from './access-problems.js';
export * from './access.js';
export * from './spec.js';
export * from './validators.js';
export * from './project-root.js';
