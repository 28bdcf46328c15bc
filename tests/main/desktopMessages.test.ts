import { describe, expect, it } from 'vitest';
import { desktopLocale, desktopMessages } from '../../src/shared/desktopMessages';

describe("the desktop shell's own words (native dialogs, menu) follow the app's language", () => {
  it('takes the setting when it names a language, else the system locale', () => {
    expect(desktopLocale('zh', 'en-US')).toBe('zh');
    expect(desktopLocale('en', 'zh-CN')).toBe('en');
    expect(desktopLocale('system', 'zh-CN')).toBe('zh');
    expect(desktopLocale('system', 'zh-Hans-SG')).toBe('zh');
    expect(desktopLocale('system', 'en-GB')).toBe('en');
    expect(desktopLocale(undefined, 'fr')).toBe('en');
    expect(desktopLocale(null, null)).toBe('en');
  });

  it('gives the folder picker, the two confirmations and the menu in Chinese for a Chinese setting', () => {
    const zh = desktopMessages('zh', 'en-US');
    const en = desktopMessages('en', 'zh-CN');
    expect(zh.chooseFolder.title).toBe('选择一个让应用读取的文件夹');
    expect(en.chooseFolder.title).toBe('Choose a folder for the app to read');
    expect(zh.allowDropped.detail('/data/notes')).toMatch(/^\/data\/notes\n\n应用会读取/);
    expect(zh.useDataFolder.detail('/new', '/old', true)).toContain('TENC_DATA_DIR');
    expect(zh.useDataFolder.detail('/new', '/old', false)).not.toContain('TENC_DATA_DIR');
    expect(zh.menu.view).toBe('视图');
    // Every Chinese string (the values a function returns too) has Chinese in it: nothing left in English.
    const texts = (m: unknown): string[] =>
      typeof m === 'string'
        ? [m]
        : typeof m === 'function'
          ? [String((m as (...a: unknown[]) => unknown)('/p', '/q', false))]
          : Object.values(m as object).flatMap(texts);
    for (const t of texts(zh)) expect(t).toMatch(/[\u4e00-\u9fff]/);
    expect(texts(zh).length).toBe(texts(en).length);
  });
});
