/**
 * The words the desktop shell shows itself (native dialogs, the menu, its few errors), in the
 * app's languages. A plain module the Electron main process imports (it cannot import the
 * renderer's catalogue); the language follows the app's setting, and "system" follows the
 * system's locale, as the renderer's does (src/renderer/src/i18n/index.svelte.ts, localeFor).
 */

export type DesktopLocale = 'en' | 'zh';

/** The language the app's language setting ('system', 'en', 'zh') means on a system with this locale tag. */
export function desktopLocale(setting: string | null | undefined, systemTag: string | null | undefined): DesktopLocale {
  if (setting === 'en' || setting === 'zh') return setting;
  return systemTag?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export interface DesktopMessages {
  chooseFolder: { title: string; button: string };
  chooseDataFolder: { title: string; button: string };
  allowDropped: { message: string; detail: (folder: string) => string; allow: string; cancel: string };
  useDataFolder: {
    message: string;
    detail: (folder: string, current: string, envSet: boolean) => string;
    restart: string;
    cancel: string;
  };
  fileGone: (path: string) => string;
  untrusted: string;
  startFailed: string;
  menu: { view: string };
}

const en: DesktopMessages = {
  chooseFolder: { title: 'Choose a folder for the app to read', button: 'Choose this folder' },
  chooseDataFolder: { title: 'Choose the data folder', button: 'Use this folder' },
  allowDropped: {
    message: 'Let TransEncoder Studio read this folder?',
    detail: (folder) => `${folder}\n\nThe app reads the files in it; it never changes them without asking.`,
    allow: 'Allow',
    cancel: 'Cancel',
  },
  useDataFolder: {
    message: 'Use this data folder from now on?',
    detail: (folder, current, envSet) =>
      `${folder}\n\nThe app restarts and keeps its corpora, models and runs there. What is in ${current} stays where it is: move it there first if you want to keep it.` +
      (envSet ? '\n\nTENC_DATA_DIR is set, and it wins while it is set.' : ''),
    restart: 'Restart with this folder',
    cancel: 'Cancel',
  },
  fileGone: (path) => `${path} is no longer there.`,
  untrusted: 'Untrusted sender.',
  startFailed: 'TransEncoder Studio could not start',
  menu: { view: 'View' },
};

const zh: DesktopMessages = {
  chooseFolder: { title: '选择一个让应用读取的文件夹', button: '选择这个文件夹' },
  chooseDataFolder: { title: '选择数据文件夹', button: '使用这个文件夹' },
  allowDropped: {
    message: '允许 TransEncoder Studio 读取这个文件夹吗？',
    detail: (folder) => `${folder}\n\n应用会读取其中的文件；未经您同意，绝不会更改它们。`,
    allow: '允许',
    cancel: '取消',
  },
  useDataFolder: {
    message: '从现在起使用这个数据文件夹吗？',
    detail: (folder, current, envSet) =>
      `${folder}\n\n应用会重新启动，并把语料库、模型和训练记录保存在那里。${current} 中已有的内容会留在原处：如果想继续使用，请先把它移过去。` +
      (envSet ? '\n\n已设置 TENC_DATA_DIR，只要它还在，就以它为准。' : ''),
    restart: '用这个文件夹重新启动',
    cancel: '取消',
  },
  fileGone: (path) => `${path} 已经不在原处。`,
  untrusted: '来源不可信。',
  startFailed: 'TransEncoder Studio 无法启动',
  menu: { view: '视图' },
};

const CATALOGUES: Record<DesktopLocale, DesktopMessages> = { en, zh };

/** The desktop shell's words for the app's language setting on a system with this locale tag. */
export function desktopMessages(setting: string | null | undefined, systemTag: string | null | undefined): DesktopMessages {
  return CATALOGUES[desktopLocale(setting, systemTag)];
}
