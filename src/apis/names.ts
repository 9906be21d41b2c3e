/** The names `--api` takes, without loading any API (so `--help` and usage mistakes answer at once). src/apis/index.ts holds one definition per name. */
export const API_NAMES = ['flashback', 'tours'] as const;
export type ApiName = (typeof API_NAMES)[number];
export const DEFAULT_API_NAME: ApiName = 'flashback';
