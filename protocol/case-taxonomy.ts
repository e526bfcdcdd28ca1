import type { Urgency } from './events.schema';

/**
 * Case categories as data (DESIGN §3.3), after the urban-management classification of GB/T 30428.2:
 * components (部件, code prefix BJ) and events (事件, prefix SJ), each a class of sub-classes with a 6-character
 * code (class 2 digits + sub-class 2 digits). Cities extend it by adding entries, not code.
 * `weight` is how often the simulation files a case of the sub-class; `phrases` are what a title says.
 */
export interface CaseSubclass {
  code: string;
  name: string;
  weight: number;
  phrases: readonly string[];
  /** An emergency: filed as urgent. */
  emergency?: boolean;
}

export interface CaseClass {
  code: string;
  kind: 'component' | 'event';
  name: string;
  nameEn: string;
  subclasses: readonly CaseSubclass[];
}

export const CASE_TAXONOMY: readonly CaseClass[] = [
  {
    code: 'BJ01',
    kind: 'component',
    name: '公用设施',
    nameEn: 'Public utilities',
    subclasses: [
      { code: 'BJ0101', name: '上水井盖', weight: 2, phrases: ['上水井盖破损', '上水井盖缺失，存在安全隐患'] },
      { code: 'BJ0102', name: '污水井盖', weight: 2, phrases: ['污水井盖松动，车辆经过有响声', '污水井盖破损下陷'] },
      { code: 'BJ0103', name: '雨水箅子', weight: 2, phrases: ['雨水箅子堵塞', '雨水箅子缺失'] },
      { code: 'BJ0109', name: '消防栓', weight: 1, phrases: ['消防栓漏水', '消防栓被杂物遮挡'] },
      { code: 'BJ0112', name: '路灯', weight: 4, phrases: ['路灯不亮', '路灯夜间闪烁', '路灯灯杆倾斜'] },
      { code: 'BJ0120', name: '电力设施', weight: 1, phrases: ['配电箱箱门损坏', '电线私拉乱接'] },
    ],
  },
  {
    code: 'BJ02',
    kind: 'component',
    name: '道路交通',
    nameEn: 'Roads and traffic',
    subclasses: [
      { code: 'BJ0201', name: '交通信号灯', weight: 1, phrases: ['交通信号灯故障'] },
      { code: 'BJ0203', name: '交通标志牌', weight: 1, phrases: ['交通标志牌倾倒', '交通标志牌被树枝遮挡'] },
      { code: 'BJ0207', name: '道路护栏', weight: 1, phrases: ['道路护栏损坏'] },
      { code: 'BJ0210', name: '人行道', weight: 2, phrases: ['人行道地砖松动破损', '盲道被占用'] },
      { code: 'BJ0212', name: '公交站亭', weight: 1, phrases: ['公交站亭玻璃破损'] },
    ],
  },
  {
    code: 'BJ03',
    kind: 'component',
    name: '市容环境设施',
    nameEn: 'Sanitation facilities',
    subclasses: [
      { code: 'BJ0301', name: '公共厕所', weight: 1, phrases: ['公厕设施损坏', '公厕卫生状况差'] },
      { code: 'BJ0303', name: '垃圾箱', weight: 3, phrases: ['垃圾箱破损', '果壳箱满溢未清理'] },
      { code: 'BJ0306', name: '垃圾厢房', weight: 2, phrases: ['垃圾厢房门损坏', '垃圾厢房周边异味大'] },
      { code: 'BJ0310', name: '广告牌匾', weight: 1, phrases: ['店招牌匾破损，有坠落风险'] },
    ],
  },
  {
    code: 'BJ04',
    kind: 'component',
    name: '园林绿化',
    nameEn: 'Greenery',
    subclasses: [
      { code: 'BJ0402', name: '行道树', weight: 2, phrases: ['行道树倾斜', '行道树枝条遮挡路灯'] },
      { code: 'BJ0404', name: '绿地', weight: 2, phrases: ['绿地被毁种菜', '绿地护栏损坏'] },
      { code: 'BJ0407', name: '健身设施', weight: 1, phrases: ['健身器材损坏'] },
    ],
  },
  {
    code: 'BJ05',
    kind: 'component',
    name: '房屋设施',
    nameEn: 'Buildings',
    subclasses: [
      { code: 'BJ0501', name: '楼道设施', weight: 2, phrases: ['楼道灯不亮', '楼道扶手松动'] },
      { code: 'BJ0502', name: '住宅电梯', weight: 3, phrases: ['电梯频繁故障停运', '电梯运行有异响'] },
      { code: 'BJ0503', name: '建筑外立面', weight: 1, phrases: ['外墙瓷砖脱落', '空调外机支架锈蚀'] },
    ],
  },
  {
    code: 'BJ06',
    kind: 'component',
    name: '社区智能设施',
    nameEn: 'Community smart devices',
    subclasses: [
      { code: 'BJ0601', name: '充电桩', weight: 2, phrases: ['电动自行车充电桩故障'] },
      { code: 'BJ0602', name: '快递柜', weight: 1, phrases: ['智能快递柜故障无法取件'] },
      { code: 'BJ0603', name: '门禁监控', weight: 1, phrases: ['门禁设备故障', '监控探头损坏'] },
    ],
  },
  {
    code: 'SJ01',
    kind: 'event',
    name: '市容环境',
    nameEn: 'Cityscape and sanitation',
    subclasses: [
      { code: 'SJ0101', name: '私搭乱建', weight: 2, phrases: ['私搭乱建', '违规搭建彩钢板棚'] },
      { code: 'SJ0102', name: '暴露垃圾', weight: 5, phrases: ['暴露垃圾未及时清运', '垃圾满溢'] },
      { code: 'SJ0103', name: '积存垃圾渣土', weight: 2, phrases: ['积存建筑垃圾', '装修垃圾长期堆放'] },
      { code: 'SJ0104', name: '道路不洁', weight: 2, phrases: ['路面油污', '道路不洁'] },
      { code: 'SJ0107', name: '废弃车辆', weight: 2, phrases: ['僵尸车长期停放', '废弃自行车堆积'] },
      { code: 'SJ0108', name: '乱堆物料', weight: 4, phrases: ['楼道堆放杂物', '占用消防通道堆物'] },
      { code: 'SJ0109', name: '垃圾分类', weight: 3, phrases: ['垃圾未分类投放', '厨余垃圾混投'] },
      { code: 'SJ0110', name: '油烟污染', weight: 1, phrases: ['餐饮店油烟扰民'] },
    ],
  },
  {
    code: 'SJ02',
    kind: 'event',
    name: '宣传广告',
    nameEn: 'Advertising',
    subclasses: [
      { code: 'SJ0201', name: '非法小广告', weight: 3, phrases: ['张贴非法小广告', '楼道墙面喷涂小广告'] },
      { code: 'SJ0202', name: '违规户外广告', weight: 1, phrases: ['违规悬挂广告横幅'] },
      { code: 'SJ0203', name: '占道广告牌', weight: 1, phrases: ['占道摆放广告牌'] },
    ],
  },
  {
    code: 'SJ03',
    kind: 'event',
    name: '施工管理',
    nameEn: 'Construction',
    subclasses: [
      { code: 'SJ0301', name: '施工扰民', weight: 3, phrases: ['夜间施工噪声扰民', '施工时间超出规定'] },
      { code: 'SJ0302', name: '工地扬尘', weight: 1, phrases: ['工地扬尘未覆盖'] },
      { code: 'SJ0303', name: '道路遗撒', weight: 1, phrases: ['渣土车遗撒'] },
      { code: 'SJ0304', name: '施工占道', weight: 1, phrases: ['施工占道未设围挡'] },
      { code: 'SJ0305', name: '违规装修', weight: 2, phrases: ['装修违规拆改', '装修噪声扰民'] },
    ],
  },
  {
    code: 'SJ04',
    kind: 'event',
    name: '突发事件',
    nameEn: 'Emergencies',
    subclasses: [
      { code: 'SJ0401', name: '路面塌陷', weight: 0.3, phrases: ['路面塌陷'], emergency: true },
      {
        code: 'SJ0402',
        name: '自来水管破裂',
        weight: 0.5,
        phrases: ['自来水管破裂漏水', '供水管道爆裂，路面冒水'],
        emergency: true,
      },
      { code: 'SJ0403', name: '燃气泄漏', weight: 0.2, phrases: ['疑似燃气泄漏'], emergency: true },
      { code: 'SJ0404', name: '下水道堵塞', weight: 1.5, phrases: ['下水道堵塞，污水外溢'] },
      { code: 'SJ0405', name: '道路积水', weight: 0.5, phrases: ['道路积水'] },
      { code: 'SJ0406', name: '火情', weight: 0.2, phrases: ['楼道冒烟', '电动车起火'], emergency: true },
      { code: 'SJ0407', name: '停电', weight: 0.4, phrases: ['突发停电', '整栋楼停电'], emergency: true },
      { code: 'SJ0408', name: '停水', weight: 0.4, phrases: ['突然停水', '水压不足'], emergency: true },
      { code: 'SJ0409', name: '电梯困人', weight: 0.4, phrases: ['电梯困人'], emergency: true },
      { code: 'SJ0410', name: '老人求助', weight: 0.5, phrases: ['独居老人求助', '老人摔倒求助'], emergency: true },
    ],
  },
  {
    code: 'SJ05',
    kind: 'event',
    name: '街面秩序',
    nameEn: 'Street order',
    subclasses: [
      { code: 'SJ0501', name: '无照经营游商', weight: 2, phrases: ['无照游商占道经营'] },
      { code: 'SJ0502', name: '店外经营', weight: 2, phrases: ['店铺跨门经营'] },
      { code: 'SJ0503', name: '机动车乱停放', weight: 4, phrases: ['机动车乱停放，堵塞通道', '车辆占用消防通道'] },
      { code: 'SJ0504', name: '非机动车乱停放', weight: 3, phrases: ['共享单车乱停放', '电动车乱停堵住出入口'] },
      { code: 'SJ0505', name: '露天烧烤', weight: 1, phrases: ['露天烧烤'] },
      { code: 'SJ0506', name: '占道废品收购', weight: 1, phrases: ['占道收购废品'] },
    ],
  },
  {
    code: 'SJ06',
    kind: 'event',
    name: '社区治理',
    nameEn: 'Community affairs',
    subclasses: [
      { code: 'SJ0601', name: '噪声扰民', weight: 3, phrases: ['广场舞噪声扰民', '商铺音响噪声扰民', '楼上噪声扰民'] },
      { code: 'SJ0602', name: '物业服务', weight: 3, phrases: ['物业服务不到位', '物业费收取有争议'] },
      { code: 'SJ0603', name: '群租', weight: 1, phrases: ['疑似群租'] },
      { code: 'SJ0604', name: '宠物管理', weight: 1, phrases: ['犬只未牵绳', '宠物粪便无人清理'] },
      { code: 'SJ0605', name: '高空抛物', weight: 1, phrases: ['高空抛物'] },
      { code: 'SJ0606', name: '电动车违规充电', weight: 2, phrases: ['电动车楼道违规充电', '飞线充电'] },
    ],
  },
];

/**
 * Nominal time to resolve, hours, per urgency (DESIGN §3.3: urgent the same day, help 3 working days,
 * complaint 13). The server owns SLA rules; the simulation uses these to make some cases overrun.
 */
export const CASE_SLA_HOURS: Readonly<Record<Urgency, number>> = {
  urgent: 12,
  help: 72,
  complaint: 13 * 24,
  normal: 5 * 24,
};

const BY_CODE = new Map<string, { cls: CaseClass; sub: CaseSubclass }>(
  CASE_TAXONOMY.flatMap((cls) => cls.subclasses.map((sub) => [sub.code, { cls, sub }] as const)),
);

/** The class and sub-class of a category code, or undefined. */
export function findCategory(code: string): { cls: CaseClass; sub: CaseSubclass } | undefined {
  return BY_CODE.get(code);
}

/** Every sub-class, flattened (the simulation's draw list). */
export const CASE_SUBCLASSES: readonly CaseSubclass[] = CASE_TAXONOMY.flatMap((c) => c.subclasses);
