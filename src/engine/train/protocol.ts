/** Messages between the training worker and the engine (plain data, structured-clone safe). */
import type { BaseSpec } from '../models/modelFiles';
import type { Selection, TeacherRanking } from './selection';
import type { TransEncoderSettings } from './settings';
import type { LabelWeight, TrainProgress } from './transEncoder';

export type TrainingSource = { kind: 'pairs'; a: string[]; b: string[] } | { kind: 'texts'; texts: string[] };

export interface TrainWorkerInput {
  runDir: string;
  settings: TransEncoderSettings;
  bases: BaseSpec[];
  source: TrainingSource;
  userLabels?: { a: string[]; b: string[]; labels: number[]; scale: 'binary' | '0-5' };
  backend?: 'auto' | 'wasm' | 'cpu' | 'webgpu' | 'tensorflow';
}

export interface CycleModels {
  cycle: number;
  member: string;
  base: BaseSpec;
  /** Folders in the project's model format. */
  biDir: string;
  crossDir: string;
}

export type TrainWorkerMessage =
  | { type: 'backend'; name: string; reason: string }
  | { type: 'pairs'; train: number; heldOut: number; sources: Record<string, number> }
  | { type: 'progress'; progress: TrainProgress }
  | {
      type: 'cycle';
      cycle: number;
      models: CycleModels[];
      agreement: number;
      userScore: number | null;
      meanLoss: { biToCross: number; crossToBi: number };
      labelWeights?: LabelWeight[];
      /** Held-out Spearman of this cycle's teacher with its student bi-encoder and with the start's. */
      teacherAgreement?: { student: number; start: number };
    }
  | {
      type: 'done';
      selection: Selection;
      models: CycleModels[];
      startUserScore: number | null;
      cycles: { cycle: number; agreement: number; userScore: number | null }[];
      comparison?: StartComparison;
    }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

/** Without labels: the chosen cycle against the start model, judged by the strongest teacher. */
export type StartComparison = Omit<TeacherRanking, 'rule' | 'cycle' | 'values'> & { startValue: number; chosenValue: number };

export type TrainWorkerCommand = { type: 'cancel' };
