/** The profiles the suite knows, by the name `--api` takes. A new API is a new folder here and one line below. */
import type { SuiteProfile } from '../kernel/profile.js';
import { flashbackProfile } from './flashback/index.js';
import { toursProfile } from './tours/index.js';

export const PROFILES: Readonly<Record<string, SuiteProfile>> = {
  flashback: flashbackProfile,
  tours: toursProfile,
};

export const DEFAULT_API = 'flashback';
