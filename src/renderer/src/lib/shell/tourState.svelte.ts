/**
 * Where the guided tour is, kept while the person visits the screens it opens (one per AppState,
 * in a WeakMap, so AppState needs no tour fields).
 */
import type { AppState } from '../appState.svelte';

export const TOUR_STEPS = ['index', 'check', 'duplicates', 'train'] as const;
export type TourStep = (typeof TOUR_STEPS)[number];

export class TourState {
  started = $state(false);
  current = $state(0);
  outcome = $state<Partial<Record<TourStep, string>>>({});
  working = $state(false);
  samplePath = $state<string | null>(null);
  indexJobId = $state<string | null>(null);
}

const states = new WeakMap<AppState, TourState>();

export function tourStateOf(app: AppState): TourState {
  let s = states.get(app);
  if (!s) {
    s = new TourState();
    states.set(app, s);
  }
  return s;
}
