/** Long jobs as the progress cards name them: the kind of job, its stages and notes. English. */
export const jobsEn = {
  kind: {
    'corpus.index': 'Reading a folder',
    train: 'Training',
    eval: 'Measuring a model',
    dedup: 'Looking for duplicates',
    compare: 'Comparing models',
  } as Record<string, string>,
  stage: {
    starting: 'Starting',
    done: 'Finished',
    'listing files': 'Listing the files',
    'reading documents': 'Reading the documents',
    listing: 'Listing the files',
    reading: 'Reading the files',
    signatures: 'Fingerprinting the texts',
    candidates: 'Picking likely pairs',
    embedding: 'Reading the texts with the model',
    near: 'Finding near-copies',
    semantic: 'Finding texts that say the same thing',
    rescoring: 'Checking the borderline pairs carefully',
    clustering: 'Grouping the duplicates',
    saving: 'Saving the results',
    comparing: 'Comparing the scores',
  } as Record<string, string>,
  scoringPairs: (n: string) => `Scoring ${n} pairs`,
  scoringWithModel: (n: string, i: string, of: string) => `Scoring ${n} pairs with model ${i} of ${of}`,
  note: { neighbours: 'nearest neighbours', passages: 'passages' } as Record<string, string>,
  /**
   * The training presets (engine names quick, standard, paper); a preset not listed shows the engine's words.
   * The pair and cycle counts come from the engine's preset, so the words cannot drift from what runs.
   */
  presets: {
    quick: {
      label: 'Quick',
      description: (pairs: string, cycles: string) =>
        `A first tuned model on a laptop CPU: up to ${pairs} pairs, ${cycles} ${cycles === '1' ? 'cycle' : 'cycles'}.`,
    },
    standard: {
      label: 'Standard',
      description: (pairs: string, cycles: string) => `More pairs, for larger corpora: up to ${pairs} pairs, ${cycles} ${cycles === '1' ? 'cycle' : 'cycles'}.`,
    },
    paper: {
      label: 'Paper',
      description: (_pairs: string, cycles: string) => `The paper’s full recipe (${cycles} cycles, 10 cross→bi epochs); meant for a GPU.`,
    },
  } as Record<string, { label: string; description: (pairs: string, cycles: string) => string }>,
  /** A training estimate: "about 15 s on the CPU (WebAssembly)". */
  estimate: (duration: string, backend: string) => `about ${duration} on ${backend}`,
  wholeMinutes: (n: number) => `${n} min`,
  /** The two training phases, as the loss chart names them. */
  phase: { 'bi->cross': 'bi→cross', 'cross->bi': 'cross→bi' } as Record<string, string>,
  /** What a training stage does, one line under the progress bar. */
  explain: {
    'bi->cross': 'The cross-encoder learns from the bi-encoder’s scores.',
    'cross->bi': 'The bi-encoder learns from the cross-encoder’s scores.',
    scoring: 'Scoring the training pairs to make the next lesson.',
    mining: 'Finding pairs of related sentences in your documents.',
    starting: 'Loading the models.',
  },
};
