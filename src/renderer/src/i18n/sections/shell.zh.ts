/** The shell's strings in Simplified Chinese (same keys as shell.en.ts). */
import type { ShellMessages } from './shell.en';

/** The reader's binary kinds ("PNG image", "ZIP archive") in Chinese: the format's name stays, the category is translated. */
function binaryKindZh(kind: string): string {
  if (/^legacy Office document/.test(kind)) return '旧版 Office 文档（.doc/.xls/.ppt）';
  if (kind === 'Mach-O or Java class file') return 'Mach-O 或 Java 类文件';
  const m = /^(.*?)\s*\b(image|audio|video|media|archive|executable|database|module|document|font|icon)$/.exec(kind);
  const cat = m ? BINARY_CATEGORY_ZH[m[2]!] : undefined;
  return m && cat ? `${m[1] ? `${m[1]} ` : ''}${cat}` : `二进制：${kind}`;
}

const BINARY_CATEGORY_ZH: Record<string, string> = {
  image: '图片',
  audio: '音频',
  video: '视频',
  media: '媒体文件',
  archive: '压缩包',
  executable: '可执行程序',
  database: '数据库',
  module: '模块',
  document: '文档',
  font: '字体',
  icon: '图标',
};

const SPECIAL_KIND_ZH: Record<string, string> = {
  'pipe, socket or device': '管道、套接字或设备',
  'named pipe': '命名管道',
  socket: '套接字',
  device: '设备',
  'unknown type': '未知类型',
};

export const shellZh: ShellMessages = {
  theme: { system: '跟随系统', light: '浅色', dark: '深色' },
  settings: {
    title: '设置',
    intro: '更改会立即保存到数据文件夹中的一个文件里。',
    saved: '已保存。',
    appearance: '外观',
    themeLegend: '配色主题',
    themeNow: (which) => `当前显示：${which}。`,
    languageTitle: '语言',
    languageLabel: '应用的语言',
    languageSystem: (name) => `跟随系统（${name}）`,
    cpuTitle: '计算机',
    cpuAuto: '使用这台计算机的全部核心',
    cpuThreads: 'CPU 线程数',
    cpuHelp: (cores) =>
      `这台计算机有 ${cores} 个核心。线程越少，应用在编码文本或查找重复文件时计算机越流畅，但耗时更长。对此后加载的模型生效（重启应用后处处生效）。`,
    cpuBad: (cores) => `CPU 线程数必须是 1 到 ${cores} 之间的整数。`,
    thresholdsTitle: '默认阈值',
    thresholdsIntro: '分数达到多少算作“相同”。留空则使用为内置模型测得的数值（灰色显示）。在某个界面里您自己设定的阈值优先。',
    paraphraseBi: '比对：双编码器分数（0 到 1）',
    paraphraseCross: '比对：交叉编码器分数（0 到 1）',
    dedupNear: '查重：近似副本相似度（0 到 1）',
    dedupSemantic: '查重：语义相同相似度（0 到 1）',
    thresholdBad: (name) => `${name}：请填写 0 到 1 之间的数字，或留空使用默认值。`,
    saveThresholds: '保存阈值',
    saveCpu: '保存',
    dataTitle: '数据文件夹',
    dataIntro: '您的语料库、模型、训练记录、查重扫描和隔离区都保存在这里：',
    settingsFile: '设置文件：',
    dataChange:
      '数据文件夹在应用启动时确定。要换用其他文件夹，请先关闭应用；如需保留内容，把这个文件夹移动或复制过去；然后用新位置重新启动应用：设置 TENC_DATA_DIR=文件夹，或用 npm run serve -- --data-dir 文件夹 启动浏览器版。',
    damaged: (problem) => `设置文件已损坏，暂时使用默认值，保存时会重写。（${problem}）`,
    changeData: '换用其他数据文件夹…',
    changeDataHint: '应用会用您选择的文件夹重新启动。如需保留现有内容，请先把这个文件夹里的内容移过去。',
    foldersTitle: '应用可读取的文件夹',
  },
  folders: {
    choose: '选择文件夹…',
    browse: '浏览您的文件夹…',
    dropHere: '或把文件夹拖放到这里',
    dropBrowser: '浏览器不会告诉应用拖入的文件夹在哪里。请改用“浏览您的文件夹…”选择（浏览器版可以打开启动时指定的文件夹）。',
    dropNoFolder: '拖入的不是文件夹。请拖入一个文件夹，或选择一个。',
    dropRefused: '没有添加这个文件夹。',
    added: (p) => `已添加文件夹：${p}`,
    browserTitle: '选择文件夹',
    browserIntro: '这里只显示应用可读取的文件夹及其中的子文件夹。',
    rootsLabel: '您的文件夹',
    here: (p) => `位于 ${p}`,
    up: '上一级',
    upTo: (name) => `返回上一级：${name}`,
    open: (name) => `打开 ${name}`,
    filesHere: (n) => `此文件夹内直接有 ${n} 个文件`,
    noSubfolders: '里面没有文件夹。',
    noRoots: '应用目前不能读取任何文件夹。请用 npm run serve -- --allow 文件夹 启动（桌面版：点“添加文件夹…”）。',
    truncated: '文件夹太多，未全部显示。',
    useThis: '使用这个文件夹',
    cancel: '取消',
    loading: '加载中…',
    allowedTitle: '应用可读取的文件夹',
    addFolder: '添加文件夹…',
    addHint: '桌面版会在系统对话框中请您选择文件夹；应用只能读取这些文件夹。',
  },
  corpora: {
    colActions: '操作',
    details: '详情',
    detailsOf: (name) => `${name} 的详情`,
    summaryTitle: (name) => `语料库“${name}”`,
    summary: (docs, skipped, passages) => `已读取 ${docs} 个文档，跳过 ${skipped} 个，共 ${passages} 个段落。`,
    folderGone: '它的文件夹已不存在：文档会保留在应用里直到您删除这个语料库，但无法重新读取。',
    skippedTitle: '跳过的文件及原因',
    noneSkipped: '所有文件都已读取。',
    reasonLine: (reason, n) => `${reason}：${n} 个`,
    examples: (list) => `例如 ${list}`,
    rescan: '重新读取文件夹',
    rescanHint: '读取新增和修改过的文件，去掉已不存在的文件。您的文件只会被读取。',
    rescanning: (name) => `正在重新读取“${name}”`,
    rescanDone: (read, unchanged, removed) => `重新读取完成：新增或修改 ${read} 个，未变 ${unchanged} 个，已不存在 ${removed} 个。`,
    rename: '重命名',
    renameLabel: '新名称',
    renameSave: '保存名称',
    renameCancel: '取消',
    renamed: (name) => `已重命名为“${name}”。`,
    emptyName: '请给语料库起个名字。',
    delete: '从应用中删除…',
    deleteTitle: (name) => `删除语料库“${name}”？`,
    deleteWhat: (docs, folder) => `应用将忘记它的 ${docs} 个文档及其段落。${folder} 中的文件不会被改动：不会从您的计算机上删除任何东西。`,
    deleteScans: (n) => `这个文件夹的 ${n} 次查重扫描将失去其分组（重新扫描即可恢复）。`,
    deleteRuns: (n) => `用它训练的 ${n} 次训练及其模型会保留。`,
    deleteConfirm: '从应用中删除',
    deleteCancel: '保留',
    deleted: (name) => `语料库“${name}”已从应用中删除。它的文件仍在原处。`,
    documentsTitle: '文档',
    passages: '段落',
    passagesOf: (file) => `${file} 的段落`,
    hidePassages: '收起段落',
    noPassages: '没有段落（这个文件被跳过了）。',
    morePassages: (n) => `只显示前 ${n} 个段落。`,
    showMore: '显示更多文档',
    shown: (n, total) => `显示了 ${total} 个文档中的 ${n} 个。`,
    pickFolder: '要读取的文件夹',
  },
  home: {
    computeTitle: '这台计算机',
    compute: (backend, threads, cores) => `使用${backend}计算，用 ${cores} 个 CPU 线程中的 ${threads} 个。`,
    trainingTime: (runs, time) => `目前的训练：${runs} 次，共 ${time}。`,
    noTraining: '还没有训练过。',
    backend: { wasm: ' CPU（WebAssembly）', cpu: ' CPU（纯 JavaScript，较慢）', tensorflow: ' CPU（TensorFlow 原生）', webgpu: '显卡（WebGPU）' },
    scansTitle: '最近的查重扫描',
    noScans: '还没有查重扫描。',
    scan: (id, roots) => `扫描 ${id}：${roots}`,
    scanGroups: (groups, files) => `${groups} 组，${files} 个文件可移走`,
    openScans: '全部扫描',
    settingsLink: '设置',
  },
  tour: {
    title: '新手导览',
    intro: '用应用自带的示例文档做一个简短导览：读取文档、比对两句话、查找重复文件，以及（如果愿意）训练一个小模型。每一步都可以跳过。',
    start: '开始导览',
    skipTour: '不用了，跳过导览',
    restart: '查看新手导览',
    close: '关闭导览',
    stepOf: (n, total) => `第 ${n} 步，共 ${total} 步`,
    doIt: '执行这一步',
    skipStep: '跳过这一步',
    next: '下一步',
    done: '完成',
    finished: '导览结束。导览中创建的内容会保留在应用里，随时可以删除（在“文档”中）。',
    sampleName: '示例文档',
    working: '进行中…',
    steps: {
      index: {
        title: '读取示例文档',
        text: '应用把几个简短的示例文件复制到数据文件夹并读取：把每个文件切分成段落。读取您自己的文件夹时也是这样（您的文件不会被改动）。',
        done: (docs, passages) => `已读取 ${docs} 个文档，${passages} 个段落。可在“文档”中查看。`,
      },
      check: {
        title: '比对两句话',
        text: '“比对”界面会打开，里面是示例中两句用不同说法表达同一意思的话。点“比对”即可看到分数及其含义。',
        done: '“比对”界面已打开，并填好了这两句话。',
      },
      duplicates: {
        title: '在示例中查找重复文件',
        text: '应用会在示例文件中查找副本和近似副本（其中一个文件是另一个稍作修改的副本）。除非您要求，否则不会移动任何文件。',
        done: '扫描已开始：进度和分组在“查重”中。',
      },
      train: {
        title: '训练一个小模型（可选，需要几分钟）',
        text: '“训练”界面会打开，已选好示例语料库，并设置了一个很小的训练（1 个循环，200 对）。先看看预计用时，愿意的话再点“开始训练”。',
        done: '“训练”界面已设置好；准备好后即可开始。',
      },
    },
  },
  train: {
    pause: '暂停',
    pauseHint: (every) =>
      `训练会在当前这一步结束后停止，并保留到上次保存为止学到的内容（每 ${every} 步保存一次）。继续时从那里开始：上次保存之后的步骤会重新做。`,
    pauseHintUnknown: '训练会在当前这一步结束后停止，并保留到上次保存为止学到的内容。继续时从那里开始。',
    paused: '已暂停。继续时从上次保存处开始。',
    resume: '继续',
    stage: '阶段',
    stages: {
      starting: '正在加载模型',
      mining: '正在寻找相关的句子对',
      scoring: '正在给句子对打分（老师的课程）',
      'bi->cross': '细致的模型向快速的模型学习',
      'cross->bi': '快速的模型向细致的模型学习',
      simcse: '正在让模型学会读句子（SimCSE）',
      evaluating: '正在用保留的句子对评估这一循环',
      saving: '正在保存模型',
    },
    verdictTitle: '模型变好了吗？',
    better: '是的，训练后的模型比起始模型更好。',
    same: '和起始模型差不多：训练没有明显帮助。',
    sameKeepStart: '没有比起始模型更好。应用会继续使用起始模型。',
    worse: '没有，训练后的模型更差。应用会继续使用起始模型。',
    unknown: '这次训练无法判断：没有可以与训练后模型比较的依据。',
    measuredOnLabels: (n) => `依据您标注的 ${n} 对句子测得。`,
    estimatedNoLabels: (pct) => `在没有标注的情况下，用保留的句子对估计（重抽样中训练后模型领先的比例为 ${pct}）。`,
    handBackStart: '“比对”和“查重”将使用起始模型。',
    handBackTrained: '“比对”和“查重”可以使用训练后的模型（在“比对”中选择）。',
  },
  errors: {
    code: {
      not_found: '找不到要找的内容。',
      conflict: '现在不能这样做。',
      forbidden_path: '这个位置不在应用可读取的文件夹内。',
      bad_request: '应用无法使用所填的内容。',
      unknown_method: '应用与其引擎版本不一致，请重启应用。',
    },
    withDetail: (lead, detail) => `${lead}（详情：${detail}）`,
    job: {
      interrupted: '运行期间应用停止了。请重新启动应用；训练可以从上次保存处继续。',
      paused: '已由您暂停，可以继续。',
      cancelled: '已由您取消。',
      workerStopped: '训练进程意外停止（常见原因：内存不足）。请继续这次训练；如果再次出现，请换用更小的预设。',
      tooFewSentences: (n) => `这个语料库只有 ${n} 个可用的句子，训练至少需要 3 个。请添加文字更多的文档。`,
    },
    skipReason: ({ code, params: p = {} }, english) => {
      switch (code) {
        case 'binary':
          return p.ext ? `不是文本文件（二进制，${p.ext}）` : p.kind ? `不是文本文件（${binaryKindZh(p.kind)}）` : '不是文本文件（二进制）';
        case 'link':
          return '链接（不跟随）';
        case 'folder':
          return '是一个文件夹';
        case 'special':
          return p.kind ? `不是普通文件（${SPECIAL_KIND_ZH[p.kind] ?? p.kind}）` : '不是普通文件';
        case 'empty':
          return '空文件';
        case 'tooLarge':
          return p.mb && p.limitMb ? `文件太大（${p.mb} MB，上限 ${p.limitMb} MB）` : '文件太大，无法读取';
        case 'changed':
          return '读取时文件被修改（请重新读取）';
        case 'gone':
          return '文件在读取前后被删除或移走';
        case 'permission':
          return '没有读取权限';
        case 'unreadable':
          return p.errno ? `无法读取（磁盘或系统错误 ${p.errno}）` : '无法读取（权限或磁盘问题）';
        case 'pdf':
          return '不是有效的 PDF，或 PDF 已损坏';
        case 'pdfLocked':
          return 'PDF 有密码保护';
        case 'docx':
          return '不是有效的 Word（.docx）文件';
        case 'encoding':
          return `未知的文字编码“${p.name ?? ''}”`;
        case 'noText':
          return '文件中没有文字';
        case 'scannedPdf':
          return 'PDF 中没有文字（可能是没有文字层的扫描件）';
        case 'noWords':
          return '没有词语（只有标点或不可见字符）';
        case 'json':
          return '没有一行是有效的 JSON';
        default:
          // A reason without a code yet: the reader's own words, so nothing is hidden.
          return `已跳过（${english}）`;
      }
    },
  },
};
