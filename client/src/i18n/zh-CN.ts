/** Simplified Chinese, the default locale. `en.ts` must have the same keys (checked by its type). */
const zhCN = {
  app: {
    product: '数字驾驶舱',
    brand: 'GridPulse',
    tagline: '智慧社区 · 网格化治理实时驾驶舱',
  },
  home: {
    wall: '指挥大屏',
    wallDesc: '指挥中心视频墙：全街道一屏统览，实时刷新',
    tablet: '领导平板',
    tabletDesc: '按辖区逐级下钻：街道 → 社区 → 网格 → 楼栋',
    duty: '值班台',
    dutyDesc: '预警队列、确认、派单与处置留痕',
    comingSoon: '即将上线',
    open: '进入',
    back: '返回首页',
  },
  conn: {
    connecting: '连接中',
    live: '实时',
    reconnecting: '重连中',
    resyncing: '同步中',
    offline: '离线',
    stale: '数据未更新',
  },
  badge: {
    simulated: '模拟数据 · SIMULATED',
    demo: 'DEMO 演示回放',
  },
  kpi: {
    title: '实时态势',
    events5m: '近5分钟事件',
    unit5m: '条',
    feedDevice: '物',
    feedCase: '事',
    feedOpinion: '情',
    feedDeviceLong: '物联感知',
    feedCaseLong: '事件工单',
    feedOpinionLong: '社情民意',
    devicesTitle: '设备运行',
    communities: '社区态势',
    devicesOnline: '设备在线',
    onlineRatio: '在线率',
    faults: '故障设备',
    offline: '离线设备',
    total: '总数',
  },
  chart: {
    perMinute: '每分钟事件数',
    last60: '近60分钟 · 按来源堆叠',
  },
  ranking: {
    title: '网格事件排行',
    subtitle: '近5分钟 · 前10',
    subtitleAll: '近5分钟事件 · 故障',
    empty: '暂无数据',
  },
  map: {
    title: '网格态势图',
    subtitle: '网格着色 = 近5分钟事件数 · 圆点 = 设备',
    legend: '网格近5分钟事件',
    devices: '设备',
    online: '在线',
    offline: '离线',
    fault: '故障',
    loading: '地图加载中…',
    failed: '地图加载失败',
  },
  wall: {
    district: '辖区',
    loading: '正在获取数据…',
    noData: '—',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type MessageSchema = Widen<typeof zhCN>;

export default zhCN;
