/** 训练选了哪一轮、新模型是否更好（“训练记录”和“训练”页面）。简体中文。 */
import type { runOutcomeEn } from './runOutcome.en';

export const runOutcomeZh: typeof runOutcomeEn = {
  pending: '还没有答案：训练尚未结束。',
  howJudged: '应用是如何判断的',
  chosen: (cycle) => `选中：第 ${cycle} 轮`,
  ofCycles: (n) => `共 ${n} 轮`,
  handBackStrong: '应用改为提供您开始时用的模型',
  handBackRest: '：训练出的模型仍保留在“训练记录”中，您可以试用。',
  onLabels: (n) => (n === null ? '您标注的句对' : `您标注的 ${n} 个句对`),
  measuredBetter: (on, after, before) => `是：在${on}上，新模型得分 ${after}，开始时的模型 ${before}。`,
  measuredWorse: (on, after, before) => `否：在${on}上，新模型得分 ${after}，低于开始时模型的 ${before}。`,
  measuredSame: (on, after, before) => `差不多：在${on}上，新模型得分 ${after}，开始时的模型 ${before}。`,
  metricRoc: 'ROC-AUC 面积',
  metricSpearman: 'Spearman 相关系数',
  measuredDetail: (metric) => `用 ${metric} 对照您的标注来衡量（1 为完美）。标注的句对不多，小的差别可能只是偶然。`,
  heldOutOn: (n) => `训练从未用过的 ${n ?? ''} 个留出句对`,
  estBetter: (cycle, chosen, start, on) =>
    `无标注估计：更好。第 ${cycle} 轮的双编码器比开始时的模型更符合本次训练中最强的句对评判者（在${on}上 ${chosen} 对 ${start}）。`,
  estWorse: (cycle, chosen, start, on) =>
    `无标注估计：更差。第 ${cycle} 轮的双编码器比开始时的模型更不符合本次训练中最强的句对评判者（在${on}上 ${chosen} 对 ${start}）。请继续使用开始时的模型。`,
  estSame: (chosen, start, on) => `无标注估计：与开始时的模型差不多（在${on}上 ${chosen} 对 ${start}；差别可能只是偶然）。`,
  estSameKeepStart: (cycle, chosen, start, on) =>
    `无标注估计：没有比开始时的模型更好。第 ${cycle} 轮的双编码器并不比开始时的模型更符合本次训练中最强的句对评判者（在${on}上 ${chosen} 对 ${start}），所以应用保留开始时的模型。`,
  judgeDetail: (cycle, pct) =>
    `评判者是最后一轮的交叉编码器，加上本次训练的其他证据（词元对齐、词向量），它同时阅读两段文字。在这些句对的 200 次重抽样中，第 ${cycle} 轮有 ${pct} 胜过开始时的模型。`,
  fewHeldOutVerdict: (n) => `只有 ${n} 个留出句对，这个结论受偶然影响很大；用更多文字训练会得到更稳定的答案。`,
  estimateNote: '这是估计，不是测量：要确定的话，请用几个已知答案的句对检查（比对），或给训练提供标注过的句对。',
  agreementItem: (cycle, value) => `第 ${cycle} 轮：${value}`,
  agreementDetail: (n, list) =>
    `在训练从未用过的 ${n ?? '少量'} 个留出句对上，本次训练的双编码器与交叉编码器的一致程度（Spearman，1 = 排序完全相同）——${list}。`,
  noAgreement: '没有留出一致度可报告（留出句对太少）。',
  fewHeldOutFigure: (n) => `只有 ${n} 个留出句对，这个数字受偶然影响很大；用更多文字训练会得到更稳定的数字。`,
  highAgreement: '一致度高说明两个模型学到了相互一致的东西。但这只是迹象，不是测量：两个模型可能一致却都错，而且开始时的模型没有一致度可供比较。',
  toFindOut: '要弄清楚，请在已知答案的句对上评测新模型和内置模型（“模型”页面）。',
  cannotMeasure: '这次训练无法衡量：它没有标注过的句对来比较新模型和开始时的模型。',
  ruleLabels: (n) => `按您标注的句对选出${n === null ? '' : `（${n} 个）`}：双编码器在这些句对上得分最高的一轮。`,
  ruleTeacher: (on) => `无标注选出：在开始时的模型和每一轮中，在${on}上与最后一轮交叉编码器及其证据最一致的双编码器。`,
  ruleAgreement: (on) => `无标注选出：在${on}上双编码器与交叉编码器最一致的一轮。`,
  perCycle: '各轮情况',
  colCycle: '轮次',
  colAgreement: '留出一致度',
  colUserScore: '在您的标注上的得分',
  colLossB2C: '平均损失 双→交叉',
  colLossC2B: '平均损失 交叉→双',
  start: '开始时',
  chosenMark: '（选中）',
  baseBuiltin: '内置 USE lite（英文）',
  baseGlove: '内置 GloVe 词向量',
  baseHf: (dir) => `${dir} 中的 Hugging Face 模型`,
};
