/**
 * The last requests the server answered (`GET /__mock/requests`, the dashboard's "Last requests"):
 * a ring of fixed size, filled beside the request log whether or not the log prints. Recording costs
 * one slot write per request; the timestamps are formatted only when the list is read.
 */
import type { components } from '../generated/mock-control.js';

type Schemas = components['schemas'];
export type RecentRequest = Schemas['RecentRequest'];

/** How many are kept (RecentRequests.capacity in openapi/mock-control.yaml). */
export const REQUEST_HISTORY_CAPACITY = 200;
/** Long paths are cut, as in the log line. */
const MAX_PATH = 200;

interface Slot {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly ms: number;
  readonly principal: string;
  readonly requestId: string;
}

export interface RequestHistory {
  /** Keeps one answered request (`at`: milliseconds since the epoch, real time). */
  record(at: number, method: string, url: string, status: number, ms: number, principal: string, requestId: string): void;
  /** What is kept, newest first, and how many were recorded in all. */
  list(): Schemas['RecentRequests'];
}

/** Whether a request is kept: all but the control plane's reads (the dashboard polls them; they would fill the ring). */
export function isRecorded(method: string, url: string): boolean {
  return !((method === 'GET' || method === 'HEAD') && (url === '/__mock' || url.startsWith('/__mock/') || url.startsWith('/__mock?')));
}

export function createRequestHistory(capacity = REQUEST_HISTORY_CAPACITY): RequestHistory {
  const slots: Slot[] = [];
  let total = 0;
  return {
    record(at, method, url, status, ms, principal, requestId) {
      slots[total % capacity] = { at, method, url, status, ms, principal, requestId };
      total++;
    },
    list() {
      const requests: RecentRequest[] = [];
      for (let i = total - 1; i >= Math.max(0, total - capacity); i--) {
        const slot = slots[i % capacity] as Slot;
        requests.push({
          time: new Date(slot.at).toISOString(),
          method: slot.method.slice(0, 16),
          path: slot.url.length > MAX_PATH ? `${slot.url.slice(0, MAX_PATH)}…` : slot.url,
          status: slot.status,
          ms: Math.round(slot.ms * 10) / 10,
          principal: slot.principal.slice(0, 254),
          requestId: slot.requestId,
        });
      }
      return { requests, total, capacity };
    },
  };
}
