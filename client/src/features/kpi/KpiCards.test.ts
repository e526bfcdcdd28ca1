// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createAppI18n } from '../../i18n';
import { useAreasStore } from '../../stores/areas';
import { useConnectionStore } from '../../stores/connection';
import { areaStats } from '../../test-support/frame-fixtures';
import StatusConnection from '../status/StatusConnection.vue';
import KpiCards from './KpiCards.vue';

describe('wall KPI and status components', () => {
  let pinia: ReturnType<typeof createPinia>;
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });

  const plugins = () => ({ global: { plugins: [pinia, createAppI18n('zh-CN')] } });

  it('shows the 5-minute event total as a bare number and follows the store', async () => {
    const areas = useAreasStore();
    const wrapper = mount(KpiCards, plugins());
    expect(wrapper.get('[data-testid="kpi-events-total"]').text()).toBe('—');
    areas.reset(
      areaStats('*', { device: 1000, case: 200, opinion: 34 }, { total: 10, online: 8, offline: 1, fault: 1 }),
      [],
    );
    await nextTick();
    expect(wrapper.get('[data-testid="kpi-events-total"]').text().replace(/\D/g, '')).toBe('1234');
    expect(wrapper.get('[data-testid="kpi-events-total"]').text()).toMatch(/^[\d,]+$/);
    expect(wrapper.get('[data-testid="kpi-online-ratio"]').text()).toBe('80.0%');
    expect(wrapper.get('[data-testid="kpi-devices-fault"]').text()).toBe('1');
  });

  it('never shows a stale or resyncing feed as live', async () => {
    const c = useConnectionStore();
    const wrapper = mount(StatusConnection, plugins());
    const state = () => wrapper.get('[data-testid="connection-state"]').attributes('data-state');
    c.setSubscribed(true);
    c.setPhase('live');
    c.markFrame(1_000, 1);
    c.tick(2_000);
    await nextTick();
    expect(state()).toBe('live');
    c.tick(10_000);
    await nextTick();
    expect(state()).toBe('stale');
    c.setPhase('resyncing');
    await nextTick();
    expect(state()).toBe('resyncing');
    expect(wrapper.text()).toContain('同步中');
  });
});
