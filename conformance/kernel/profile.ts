/**
 * An API's profile, handed to the kernel's runner (run.ts) as a value: the kernel knows no API. A
 * profile names its spec and its check groups, reads its local inputs (`open`), and `prepare` turns a run's shared tools (the spec,
 * the HTTP client, the recorder, the secrets) into the API's own run: its principals, its checks in
 * their order, its clean-up. Adding an API is a new folder under conformance/profiles/, not edits here.
 */
import type { ContractValidators, LoadedSpec } from '../../src/contract/index.js';
import type { SecretBook } from './assertions/secrets.js';
import type { HttpClient } from './http/client.js';
import type { ResolvedOptions } from './options.js';
import type { CaseScope, Recorder } from './recorder.js';
import type { PrincipalReport } from './result.js';

export interface GroupInfo {
  /** What `--only` takes, e.g. `matrix`. */
  readonly name: string;
  /** One line for reports: what the group proves. */
  readonly title: string;
}

/** What every run has, whatever the API: handed to the profile's `prepare`. */
export interface KernelRun {
  readonly spec: LoadedSpec;
  readonly validators: ContractValidators;
  readonly options: ResolvedOptions;
  readonly http: HttpClient;
  readonly recorder: Recorder;
  /** Every secret a report must never show (passwords, tokens, keys); the profile adds its principals'. */
  readonly secrets: SecretBook;
}

/** A group's requests (`run`) and its look at every response of the run once the run has cleaned up (`sweep`). */
export interface GroupRun {
  run?(): Promise<void>;
  sweep?(): Promise<void>;
}

/** One run of an API's checks, as its profile prepared it. */
export interface ProfileRun {
  /** Where the principals came from, for the report: `--config FILE`, `GET /__mock/principals`, ... */
  readonly principalSource: string;
  readonly principals: readonly PrincipalReport[];
  /**
   * Who each principal given is on the target, for the kernel's refusal of a run whose principals
   * are the same user (identities.ts): a mis-pasted config makes every role and tenancy verdict
   * meaningless. One entry per principal that has a credential.
   */
  readonly identities: readonly PrincipalIdentity[];
  /** Setup notes for the report (a principal that could not be used, a target that keeps no state). */
  readonly notes: readonly string[];
  readonly groups: Readonly<Record<string, GroupRun>>;
  /** Removes what the run created on the target; returns what it could not remove, one line each. */
  cleanup(scope: CaseScope): Promise<readonly string[]>;
}

/**
 * One principal as the target knows it. Two principals are the same user when their `userId`s are
 * equal, or when they share a credential (the same `label` and `value`): the token, the e-mail
 * (give it lower-case), the API key. Values are compared, never shown; the refusal names the
 * principals, the shared userId or the label.
 */
export interface PrincipalIdentity {
  /** The principal's name, as the report shows it. */
  readonly name: string;
  /** The user's id on the target, when the profile learned it (login answer, claims, config). */
  readonly userId: string | null;
  /** What the principal acts with: `{label: 'token', value}`, `{label: 'e-mail', value}`, ... */
  readonly credentials: readonly { readonly label: string; readonly value: string }[];
}

export interface SuiteProfile {
  /** The name `--api` takes, e.g. `flashback`. */
  readonly name: string;
  /** The human name, for reports and help. */
  readonly title: string;
  /** The spec, relative to the project root. */
  readonly specFile: string;
  /** The check groups in the order reports list them. */
  readonly groups: readonly GroupInfo[];
  /** The order groups run in (every group once). */
  readonly executionOrder: readonly string[];
  /** The help text's paragraph on where principals come from (config, environment, the mock). */
  readonly principalHelp: string;
  /**
   * Reads what the run needs from this machine (the config file, the environment) before any
   * request, so that an unusable config is a setup error (exit 2) whether or not the target is up.
   */
  open(options: ResolvedOptions): ProfileSetup;
}

export interface ProfileSetup {
  prepare(run: KernelRun): Promise<ProfileRun>;
}
