// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createAppI18n } from '../../i18n';
import { useAreasStore } from '../../stores/areas';
import { useConnectionStore } from '../../stores/connection';
import { useInsightsStore } from '../../stores/insights';
import { areaStats, emptyInsights } from '../../test-support/frame-fixtures';
import CaseCategoryPanel from '../cases/CaseCategoryPanel.vue';
import DeviceHealthPanel from '../devices/DeviceHealthPanel.vue';
import StatusConnection from '../status/StatusConnection.vue';
import KpiHeadline from './KpiHeadline.vue';

describe('wall panels', () => {
  let pinia: ReturnType<typeof createPinia>;
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });

  const plugins = (locale: 'zh-CN' | 'en' = 'zh-CN') => ({ global: { plugins: [pinia, createAppI18n(locale)] } });

  function live() {
    const c = useConnectionStore();
    c.setSubscribed(true);
    c.setPhase('live');
    c.markFrame(1_000, 1);
    c.tick(1_000);
    return c;
  }

  it('headline: the 5-minute total as a bare number, and the case and opinion KPIs, following the store', async () => {
    const areas = useAreasStore();
    const wrapper = mount(KpiHeadline, plugins());
    const text = (id: string) => wrapper.get(`[data-testid="${id}"]`).text();
    expect(text('kpi-events-total')).toBe('—');
    const s = areaStats('*', { device: 1000, case: 200, opinion: 34 }, { total: 10, online: 8, offline: 1, fault: 1 });
    s.cases.open = 12;
    s.cases.overdue = 3;
    s.opinion.negative1h = 5;
    areas.reset(s, []);
    await nextTick();
    expect(text('kpi-events-total')).toBe('1,234');
    expect(text('kpi-online-ratio')).toBe('80.0%');
    expect(text('kpi-open-cases')).toBe('12');
    expect(text('kpi-overdue-cases')).toBe('3');
    expect(text('kpi-negative-posts')).toBe('5');
  });

  it('dims a panel and tags it "数据延迟" while stale or resyncing, never while live and fresh', async () => {
    const c = live();
    useAreasStore().reset(areaStats('*', {}, { total: 2, online: 2 }), []);
    const wrapper = mount(DeviceHealthPanel, plugins());
    const panel = () => wrapper.get('[data-testid="panel-device-health"]');
    await nextTick();
    expect(panel().attributes('data-stale')).toBe('false');
    expect(wrapper.find('[data-testid="panel-stale"]').exists()).toBe(false);
    c.tick(10_000);
    await nextTick();
    expect(panel().attributes('data-stale')).toBe('true');
    expect(wrapper.get('[data-testid="panel-stale"]').text()).toBe('数据延迟');
    c.markFrame(10_000, 2);
    await nextTick();
    expect(panel().attributes('data-stale')).toBe('false');
    c.setPhase('resyncing');
    await nextTick();
    expect(panel().attributes('data-stale')).toBe('true');
  });

  it('device health shows the totals and one row per type; categories are named in English too', async () => {
    live();
    const s = areaStats('*', {}, { total: 3, online: 2, fault: 1 });
    s.devicesByType.parking = { total: 3, online: 2, offline: 0, fault: 1 };
    useAreasStore().reset(s, []);
    useInsightsStore().set({ ...emptyInsights(), openByCategory: [{ category: 'SJ01', open: 4 }] });
    const devices = mount(DeviceHealthPanel, plugins('en'));
    const categories = mount(CaseCategoryPanel, plugins('en'));
    await nextTick();
    expect(devices.get('[data-testid="kpi-devices-total"]').text()).toBe('3');
    expect(devices.get('[data-testid="device-type-parking"]').text()).toContain('Parking');
    expect(devices.findAll('[data-testid^="device-type-"]')).toHaveLength(8);
    expect(categories.get('[data-category="SJ01"]').text()).toContain('Cityscape and sanitation');
    expect(categories.get('[data-category="SJ01"]').text()).toContain('4');
  });

  it('connection indicator never shows a stale or resyncing feed as live', async () => {
    const c = live();
    const wrapper = mount(StatusConnection, plugins());
    const state = () => wrapper.get('[data-testid="connection-state"]').attributes('data-state');
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
