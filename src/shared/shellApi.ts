/**
 * The part of the API contract behind the app's shell: browsing the allowed folders, the
 * settings kept in the data folder, managing corpora (details, passages, rename, rescan,
 * delete) and what the machine computes with. The method table in api.ts uses these schemas.
 */
import { z } from 'zod';

/** One sub-folder in a folder listing. */
export interface FolderEntry {
  name: string;
  /** Absolute real path (symlinks resolved). */
  path: string;
}

/**
 * A folder inside one of the allowed folders, as folders.browse lists it; without a path, the
 * allowed folders themselves (`path` and `root` are then null).
 */
export interface FolderListing {
  /** The folders the app may read (the roots the browser may start from). */
  roots: string[];
  /** The listed folder's real path; null for the list of roots. */
  path: string | null;
  /** The allowed folder it lies in; null for the list of roots. */
  root: string | null;
  /** Its parent, when that is still inside the allowed folder; null at the root. */
  parent: string | null;
  folders: FolderEntry[];
  /** Files directly in it (not counting sub-folders). */
  files: number;
  /** More entries than listed (the listing stops at a limit). */
  truncated: boolean;
}

export const THEMES = ['system', 'light', 'dark'] as const;
export const LANGUAGE_CHOICES = ['system', 'en', 'zh'] as const;

/** A threshold setting: a number in range, or null for the calibrated default. */
const threshold = (min: number) => z.number().min(min).max(1).nullable();

/** The settings a person can change, each optional in an update. */
export const SettingsPatch = z
  .object({
    theme: z.enum(THEMES).optional(),
    language: z.enum(LANGUAGE_CHOICES).optional(),
    /** CPU threads for embedding and search; null = as many as the machine has (at most 4 model workers). */
    cpuThreads: z.number().int().min(1).max(256).nullable().optional(),
    thresholds: z
      .object({
        paraphraseBi: threshold(0).optional(),
        paraphraseCross: threshold(0).optional(),
        dedupNear: threshold(0).optional(),
        dedupSemantic: threshold(0).optional(),
      })
      .strict()
      .optional(),
    /** The guided tour on the home screen was finished or skipped. */
    tourDone: z.boolean().optional(),
  })
  .strict();

export type SettingsPatchInput = z.infer<typeof SettingsPatch>;

/** The app's settings as stored in `<data folder>/settings.json`. */
export interface AppSettings {
  theme: (typeof THEMES)[number];
  language: (typeof LANGUAGE_CHOICES)[number];
  cpuThreads: number | null;
  thresholds: { paraphraseBi: number | null; paraphraseCross: number | null; dedupNear: number | null; dedupSemantic: number | null };
  tourDone: boolean;
}

/** settings.get / settings.set: the settings, where they are kept and what the machine offers. */
export interface SettingsView {
  settings: AppSettings;
  file: string;
  /** The file could not be read (damaged): defaults are shown; saving writes a new one. */
  problem: string | null;
  /** Logical CPU cores of this machine. */
  cores: number;
}

/**
 * Why a file was skipped, as a code an app words in its own language (issue 13), next to the
 * reader's English reason. `other`: a reason without a code (the English is then the only words).
 */
export const SKIP_CODES = [
  'binary',
  'link',
  'folder',
  'special',
  'empty',
  'tooLarge',
  'changed',
  'gone',
  'permission',
  'unreadable',
  'pdf',
  'pdfLocked',
  'docx',
  'encoding',
  'noText',
  'scannedPdf',
  'noWords',
  'json',
  'other',
] as const;
export type SkipCode = (typeof SKIP_CODES)[number];

/** A skip code with the values its wording needs: ext ('.bin'), kind ('PNG image', 'socket'), mb/limitMb, errno, name. */
export interface SkipReasonCode {
  code: SkipCode;
  params?: Record<string, string>;
}

/** A corpus with what reading it found: skipped files grouped by reason. */
export interface CorpusDetails {
  id: number;
  name: string;
  rootPath: string;
  kind: 'folder' | 'pairs';
  documents: number;
  skipped: number;
  passages: number;
  createdAt: string;
  /** reason: the reader's English words (as stored); code/params: the same as a stable code an app words itself. */
  skipReasons: ({ reason: string; count: number; examples: string[] } & SkipReasonCode)[];
  /** Duplicate scans of this folder (deleting the corpus takes their groups with it). */
  scans: number;
  /** Training runs made from it (they are kept when the corpus is deleted). */
  runs: number;
  /** The folder is still there to rescan. */
  folderExists: boolean;
}

export interface PassageRow {
  id: number;
  index: number;
  text: string;
}

/** What the machine computes with, and the compute the runs used. */
export interface ComputeInfo {
  /** e.g. "wasm" */
  backend: string;
  /** A sentence for people, e.g. "CPU (WebAssembly)". */
  backendLabel: string;
  cores: number;
  /** Threads the app uses for embedding and search (the setting, or the machine's cores). */
  threads: number;
  /** Finished or stopped runs, and their wall time in seconds. */
  runs: number;
  trainingSeconds: number;
}
