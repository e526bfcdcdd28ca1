/**
 * A small sentiment lexicon for community-governance Chinese (resident groups, forums, hotline transcripts):
 * polarity per word in [-1, 1]. Domain words matter more than general ones here: "漏水" or "没人管" is what
 * an angry post says. Cities can extend it.
 */
export const POLARITY: Readonly<Record<string, number>> = {
  // negative: faults and nuisances
  坏: -0.6, 坏了: -0.7, 故障: -0.6, 漏水: -0.7, 停水: -0.7, 停电: -0.7, 跳闸: -0.5, 堵: -0.5, 堵塞: -0.6,
  积水: -0.5, 噪音: -0.6, 扰民: -0.8, 吵: -0.6, 太吵: -0.8, 脏: -0.6, 臭: -0.7, 恶臭: -0.9, 异味: -0.6,
  乱: -0.5, 乱停: -0.7, 乱扔: -0.7, 乱堆: -0.7, 占用: -0.5, 霸占: -0.8, 违停: -0.6, 隐患: -0.6, 危险: -0.7,
  困: -0.5, 被困: -0.8, 摔倒: -0.6, 拖欠: -0.6, 涨价: -0.5, 贵: -0.4, 难: -0.4, 停车难: -0.7, 差: -0.6,
  慢: -0.4, 没人管: -0.9, 无人管: -0.9, 没人: -0.4, 推诿: -0.9, 敷衍: -0.8, 扯皮: -0.8, 不作为: -0.9,
  投诉: -0.5, 举报: -0.4, 不满: -0.8, 气愤: -0.9, 愤怒: -0.9, 生气: -0.7, 失望: -0.8, 担心: -0.5,
  害怕: -0.6, 焦虑: -0.6, 崩溃: -0.9, 受不了: -0.9, 忍无可忍: -1, 糟糕: -0.8, 烦: -0.6, 烦死: -0.9,
  离谱: -0.8, 太差: -0.9, 垃圾: -0.2, 满溢: -0.6, 发臭: -0.8, 蚊虫: -0.5, 老鼠: -0.6, 漏: -0.5,
  裂缝: -0.5, 脱落: -0.6, 坠落: -0.8, 失灵: -0.7, 没修: -0.7, 还没: -0.4, 一直: -0.2, 反复: -0.4,
  // positive: thanks and improvement
  感谢: 0.8, 谢谢: 0.7, 点赞: 0.9, 满意: 0.8, 及时: 0.6, 方便: 0.6, 便利: 0.6, 干净: 0.7, 整洁: 0.7,
  好: 0.4, 很好: 0.7, 不错: 0.6, 赞: 0.8, 辛苦: 0.5, 热心: 0.7, 贴心: 0.8, 高效: 0.8, 解决: 0.5,
  解决了: 0.7, 修好: 0.7, 修好了: 0.8, 改善: 0.6, 舒适: 0.6, 安全: 0.4, 放心: 0.6, 开心: 0.7, 温暖: 0.7,
  给力: 0.8, 认真: 0.6, 负责: 0.6, 耐心: 0.6, 规范: 0.4, 有序: 0.5, 漂亮: 0.6, 整齐: 0.6, 支持: 0.5,
  欢迎: 0.5, 期待: 0.3, 喜欢: 0.6, 周到: 0.7, 到位: 0.6, 顺利: 0.5, 恢复: 0.4, 恢复正常: 0.6,
};

/** Words that flip the polarity of the sentiment word right after them. */
export const NEGATIONS: ReadonlySet<string> = new Set(['不', '没', '没有', '未', '别', '无', '不是', '并不', '从不', '毫无']);

/** Degree adverbs and how much they strengthen the word after them. */
export const DEGREE: Readonly<Record<string, number>> = {
  很: 1.4, 非常: 1.7, 太: 1.6, 特别: 1.6, 极其: 1.9, 十分: 1.6, 真: 1.3, 真的: 1.4, 越来越: 1.4, 实在: 1.5,
  有点: 0.7, 有些: 0.7, 稍微: 0.6, 比较: 0.9,
};

/** Words never worth showing as a topic. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    '我们 你们 他们 大家 这个 那个 这些 那些 什么 怎么 为什么 因为 所以 但是 而且 还是 就是 已经 现在 今天 昨天 明天 ' +
    '晚上 早上 上午 下午 一下 一直 一个 一些 还有 没有 可以 希望 请问 这里 那里 有人 问题 情况 事情 时候 小区 社区 ' +
    '居民 业主 真的 非常 特别 自己 不是 能不能 是不是 好像 感觉 觉得 知道 看到 反映 一次 几次 多次 每天 天天 好几 终于'
  ).split(' '),
);
