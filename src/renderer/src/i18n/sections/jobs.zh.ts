/** 进度卡片上的长任务：任务种类、阶段和说明。简体中文。 */
import type { jobsEn } from './jobs.en';

export const jobsZh: typeof jobsEn = {
  kind: {
    'corpus.index': '读取文件夹',
    train: '训练',
    eval: '评测模型',
    dedup: '查找重复',
    compare: '比较模型',
  },
  stage: {
    starting: '正在开始',
    done: '已完成',
    'listing files': '正在列出文件',
    'reading documents': '正在读取文档',
    listing: '正在列出文件',
    reading: '正在读取文件',
    signatures: '正在计算文本指纹',
    candidates: '正在挑选可能重复的文本对',
    embedding: '正在用模型读取文本',
    near: '正在查找近似副本',
    semantic: '正在查找意思相同的文本',
    rescoring: '正在仔细核对难以判断的文本对',
    clustering: '正在把重复项分组',
    saving: '正在保存结果',
    comparing: '正在比较得分',
  },
  scoringPairs: (n) => `正在为 ${n} 个句对打分`,
  scoringWithModel: (n, i, of) => `正在用第 ${i} 个模型（共 ${of} 个）为 ${n} 个句对打分`,
  note: { neighbours: '最近邻', passages: '段落' },
  presets: {
    quick: { label: '快速', description: (pairs: string, cycles: string) => `在笔记本电脑的 CPU 上得到第一个调好的模型：最多 ${pairs} 个句对，${cycles} 轮。` },
    standard: { label: '标准', description: (pairs: string, cycles: string) => `更多句对，适合较大的语料库：最多 ${pairs} 个句对，${cycles} 轮。` },
    paper: { label: '论文', description: (_pairs: string, cycles: string) => `论文的完整方案（${cycles} 轮，交叉→双 10 个 epoch）；适合在 GPU 上运行。` },
  },
  estimate: (duration, backend) => `在${backend}上约需 ${duration}`,
  wholeMinutes: (n) => `${n} 分钟`,
  phase: { 'bi->cross': '双→交叉', 'cross->bi': '交叉→双' },
  explain: {
    'bi->cross': '交叉编码器正在学习双编码器给出的分数。',
    'cross->bi': '双编码器正在学习交叉编码器给出的分数。',
    scoring: '正在为训练句对打分，准备下一课。',
    mining: '正在从您的文档中找出相关的句子对。',
    starting: '正在加载模型。',
  },
};
