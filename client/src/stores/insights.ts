import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { ScopeInsights } from '../../../protocol';

/**
 * Scope-level views of the subscribed scope (layer `insights`): case trends, open cases by category, hot
 * topics, opinion per hour. Each frame that carries them replaces them (a delta's patch already applied); null until
 * the first snapshot.
 */
export const useInsightsStore = defineStore('insights', () => {
  const insights = shallowRef<ScopeInsights | null>(null);

  function set(next: ScopeInsights | undefined) {
    if (next) insights.value = next;
  }

  function clear() {
    insights.value = null;
  }

  return { insights, set, clear };
});
