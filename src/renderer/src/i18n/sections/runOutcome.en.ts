/** What a finished run chose and whether the new model is better (Runs and Train views). English. */
export const runOutcomeEn = {
  pending: 'No answer yet: the run has not finished.',
  /** The question itself is asked once, above (shell.train.verdictTitle); this box says how it was answered. */
  howJudged: 'How the app judged it',
  chosen: (cycle: number) => `Chosen: cycle ${cycle}`,
  ofCycles: (n: number) => `of ${n}`,
  handBackStrong: 'The app offers the model you started with instead',
  handBackRest: ': the trained models stay in Runs if you want to try them.',
  onLabels: (n: number | null) => (n === null ? 'your labelled pairs' : `your ${n} labelled pairs`),
  measuredBetter: (on: string, after: string, before: string) => `Yes: on ${on} the new model scores ${after}, the model you started with ${before}.`,
  measuredWorse: (on: string, after: string, before: string) =>
    `No: on ${on} the new model scores ${after}, lower than the ${before} of the model you started with.`,
  measuredSame: (on: string, after: string, before: string) => `About the same: on ${on} the new model scores ${after}, the model you started with ${before}.`,
  metricRoc: 'ROC-AUC',
  metricSpearman: 'Spearman correlation',
  measuredDetail: (metric: string) => `Measured with ${metric} against your labels (1 is perfect). Labelled pairs are few, so small differences may be chance.`,
  heldOutOn: (n: number | null) => `${n ?? 'the'} held-out pairs the run never trained on`,
  estBetter: (cycle: number, chosen: string, start: string, on: string) =>
    `Estimated without labels: better. Cycle ${cycle}'s bi-encoder agrees more with the run's strongest judge of pairs than the model you started with (${chosen} against ${start} on ${on}).`,
  estWorse: (cycle: number, chosen: string, start: string, on: string) =>
    `Estimated without labels: worse. Cycle ${cycle}'s bi-encoder agrees less with the run's strongest judge of pairs than the model you started with (${chosen} against ${start} on ${on}). Keep using the model you started with.`,
  estSame: (chosen: string, start: string, on: string) =>
    `Estimated without labels: about the same as the model you started with (${chosen} against ${start} on ${on}; the difference could be chance).`,
  estSameKeepStart: (cycle: number, chosen: string, start: string, on: string) =>
    `Estimated without labels: not better than the model you started with. Cycle ${cycle}'s bi-encoder agrees no more with the run's strongest judge of pairs (${chosen} against ${start} on ${on}), so the app keeps the model you started with.`,
  judgeDetail: (cycle: number, pct: string) =>
    `The judge is the last cycle's cross-encoder together with the run's other evidence (token alignment, word vectors), which reads both texts at once. Cycle ${cycle} came out ahead of the start in ${pct} of 200 resamples of those pairs.`,
  fewHeldOutVerdict: (n: number) => `With only ${n} held-out pairs this moves a lot by chance; a run on more text gives a steadier answer.`,
  estimateNote: 'It is an estimate, not a measurement: to be sure, check a few pairs whose answer you know (Check), or give the run labelled pairs.',
  agreementItem: (cycle: number, value: string) => `cycle ${cycle}: ${value}`,
  agreementDetail: (n: number | null, list: string) =>
    `Held-out agreement between the run's bi-encoder and cross-encoder (Spearman, 1 = they rank the pairs identically) on ${n ?? 'a few'} pairs the run never trained on — ${list}.`,
  noAgreement: 'There was no held-out agreement to report (too few held-out pairs).',
  fewHeldOutFigure: (n: number) => `With only ${n} held-out pairs this figure moves a lot by chance; a run on more text gives a steadier one.`,
  highAgreement:
    'High agreement suggests the two models learned something consistent. It is an indication, not a measurement: both models can agree and still be wrong, and the model you started with has no agreement figure to compare with.',
  toFindOut: 'To find out, measure the new model and the built-in one on pairs whose answer you know (Models).',
  cannotMeasure: 'This run cannot measure it: it had no labelled pairs to compare the new model with the one you started with.',
  ruleLabels: (n: number | null) => `Chosen by your labelled pairs${n === null ? '' : ` (${n})`}: the cycle whose bi-encoder scored best on them.`,
  ruleTeacher: (on: string) =>
    `Chosen without labels: of the model you started with and every cycle, the bi-encoder that agreed most with the run's last cross-encoder and its evidence on ${on}.`,
  ruleAgreement: (on: string) => `Chosen without labels: the cycle whose bi- and cross-encoder agreed most on ${on}.`,
  perCycle: 'Per cycle',
  colCycle: 'Cycle',
  colAgreement: 'Held-out agreement',
  colUserScore: 'Score on your labels',
  colLossB2C: 'Mean loss bi→cross',
  colLossC2B: 'Mean loss cross→bi',
  start: 'start',
  chosenMark: ' (chosen)',
  baseBuiltin: 'Built-in USE lite (English)',
  baseGlove: 'Built-in GloVe word vectors',
  baseHf: (dir: string) => `Hugging Face model in ${dir}`,
};
