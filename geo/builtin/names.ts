/**
 * Names of the built-in street. The street itself is synthetic; its road and place names are the kind found
 * around 文一西路 / 古墩路 in Hangzhou's 西湖区, so the map reads like the real neighbourhood it sits in.
 */
export interface Name {
  zh: string;
  en: string;
}

export const STREET: Name & { code: string } = { code: '330106007', zh: '文澜街道', en: 'Wenlan Subdistrict' };

/** Communities, numbered north band west→east, then south band west→east (codes 001..008). */
export const COMMUNITIES: readonly (Name & { short: string })[] = [
  { zh: '翠苑一区社区', en: 'Cuiyuan Yiqu Community', short: '翠苑一区' },
  { zh: '翠苑二区社区', en: 'Cuiyuan Erqu Community', short: '翠苑二区' },
  { zh: '文华社区', en: 'Wenhua Community', short: '文华' },
  { zh: '嘉绿苑社区', en: 'Jialüyuan Community', short: '嘉绿苑' },
  { zh: '益乐社区', en: 'Yile Community', short: '益乐' },
  { zh: '古荡新村社区', en: 'Gudang Xincun Community', short: '古荡新村' },
  { zh: '华星社区', en: 'Huaxing Community', short: '华星' },
  { zh: '竞舟社区', en: 'Jingzhou Community', short: '竞舟' },
];

/** Arterial roads, fixed along lattice lines. */
export const ARTERIALS = {
  wenyiWest: { zh: '文一西路', en: 'Wenyi West Road' },
  wenerWest: { zh: '文二西路', en: "Wen'er West Road" },
  yuhangtang: { zh: '余杭塘路', en: 'Yuhangtang Road' },
  gudun: { zh: '古墩路', en: 'Gudun Road' },
  zijingang: { zh: '紫金港路', en: 'Zijingang Road' },
  fengtan: { zh: '丰潭路', en: 'Fengtan Road' },
  jingzhou: { zh: '竞舟路', en: 'Jingzhou Road' },
  zijinghua: { zh: '紫荆花路', en: 'Zijinghua Road' },
  huajiang: { zh: '花蒋路', en: 'Huajiang Road' },
  lianhua: { zh: '莲花街', en: 'Lianhua Street' },
} as const satisfies Record<string, Name>;

/** Names for the smaller roads inside communities, used in order. */
export const LOCAL_ROADS: readonly Name[] = [
  { zh: '翠柏路', en: 'Cuibai Road' },
  { zh: '文苑路', en: 'Wenyuan Road' },
  { zh: '益乐路', en: 'Yile Road' },
  { zh: '华星路', en: 'Huaxing Road' },
  { zh: '嘉绿路', en: 'Jialü Road' },
  { zh: '古翠路', en: 'Gucui Road' },
  { zh: '府苑路', en: 'Fuyuan Road' },
  { zh: '求智巷', en: 'Qiuzhi Lane' },
  { zh: '文鼎路', en: 'Wending Road' },
  { zh: '西溪苑路', en: 'Xixiyuan Road' },
  { zh: '花园巷', en: 'Huayuan Lane' },
  { zh: '竹竿巷', en: 'Zhugan Lane' },
  { zh: '桂花弄', en: 'Guihua Alley' },
  { zh: '梧桐弄', en: 'Wutong Alley' },
  { zh: '香樟路', en: 'Xiangzhang Road' },
  { zh: '枫林路', en: 'Fenglin Road' },
  { zh: '兰亭巷', en: 'Lanting Lane' },
  { zh: '古荡弄', en: 'Gudang Alley' },
  { zh: '星洲路', en: 'Xingzhou Road' },
  { zh: '学苑路', en: 'Xueyuan Road' },
  { zh: '晓风弄', en: 'Xiaofeng Alley' },
  { zh: '荷花巷', en: 'Hehua Lane' },
  { zh: '明月弄', en: 'Mingyue Alley' },
  { zh: '翠竹路', en: 'Cuizhu Road' },
  { zh: '玉泉弄', en: 'Yuquan Alley' },
  { zh: '青芝坞路', en: 'Qingzhiwu Road' },
  { zh: '云栖弄', en: 'Yunqi Alley' },
  { zh: '松木场巷', en: 'Songmuchang Lane' },
  { zh: '紫桂弄', en: 'Zigui Alley' },
  { zh: '丹桂路', en: 'Dangui Road' },
];

export const RIVER: Name = { zh: '余杭塘河', en: 'Yuhangtang River' };

export const PARKS: readonly (Name & { pond?: Name })[] = [
  { zh: '翠苑公园', en: 'Cuiyuan Park', pond: { zh: '翠苑湖', en: 'Cuiyuan Lake' } },
  { zh: '余杭塘河滨河公园', en: 'Yuhangtang Riverside Park' },
  { zh: '古荡湾绿地', en: 'Gudang Bay Green' },
];

export const SCHOOLS: readonly Name[] = [
  { zh: '文澜小学', en: 'Wenlan Primary School' },
  { zh: '翠苑中学', en: 'Cuiyuan Middle School' },
  { zh: '华星幼儿园', en: 'Huaxing Kindergarten' },
];
