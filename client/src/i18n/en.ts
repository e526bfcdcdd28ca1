import type { MessageSchema } from './zh-CN';

const en: MessageSchema = {
  app: {
    product: 'Digital Cockpit',
    brand: 'GridPulse',
    tagline: 'Real-time cockpit for smart-community grid governance',
  },
  home: {
    wall: 'Command wall',
    wallDesc: 'Video wall for the command centre: the whole street at a glance, live',
    tablet: 'Leader tablet',
    tabletDesc: 'Drill down your jurisdiction: street → community → grid → building',
    duty: 'Duty console',
    dutyDesc: 'Alert queue, acknowledge, dispatch and audit trail',
    comingSoon: 'Coming soon',
    open: 'Open',
    back: 'Back to home',
  },
  conn: {
    connecting: 'Connecting',
    live: 'Live',
    reconnecting: 'Reconnecting',
    resyncing: 'Resyncing',
    offline: 'Offline',
    stale: 'Data not updating',
  },
  badge: {
    simulated: 'SIMULATED DATA',
    demo: 'DEMO REPLAY',
  },
  kpi: {
    title: 'Live situation',
    events5m: 'Events, last 5 min',
    unit5m: 'events',
    feedDevice: 'D',
    feedCase: 'C',
    feedOpinion: 'O',
    feedDeviceLong: 'IoT devices',
    feedCaseLong: 'Cases',
    feedOpinionLong: 'Public opinion',
    devicesTitle: 'Devices',
    communities: 'Communities',
    devicesOnline: 'Devices online',
    onlineRatio: 'Online ratio',
    faults: 'Faulty devices',
    offline: 'Offline devices',
    total: 'Total',
  },
  chart: {
    perMinute: 'Events per minute',
    last60: 'Last 60 min · stacked by feed',
  },
  ranking: {
    title: 'Grid ranking',
    subtitle: 'Last 5 min · top 10',
    subtitleAll: 'Events, last 5 min · faults',
    empty: 'No data yet',
  },
  map: {
    title: 'Grid situation map',
    subtitle: 'Grid colour = events in the last 5 min · dots = devices',
    legend: 'Grid events, last 5 min',
    devices: 'Devices',
    online: 'Online',
    offline: 'Offline',
    fault: 'Fault',
    loading: 'Loading map…',
    failed: 'Map failed to load',
  },
  wall: {
    district: 'District',
    loading: 'Loading data…',
    noData: '—',
  },
};

export default en;
