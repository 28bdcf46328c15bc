/**
 * tfjs's Adam with the same arithmetic, op for op, but each variable's update in its own tidy
 * (issue 14, memory). tfjs runs the whole update in one tidy, so a dozen temporaries of every
 * variable live until the last variable is done: for the USE lite cross-encoder (28 MB of
 * weights) a training step's tensors peaked at 530 MB in the update, against 165 MB for the
 * step's gradients. Slots, iterations, getWeights/setWeights and so checkpoints are Adam's own.
 */
import * as tf from '@tensorflow/tfjs';

/** The private state of tfjs-core 4.x's AdamOptimizer that the update reads and writes. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const self = this as unknown as AdamState;
    const varNames = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const registered = tf.engine().registeredVariables;
    const oneMinusAccBeta1 = tf.sub(1, self.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, self.accBeta2);
    varNames.forEach((name, i) => {
      const value = registered[name]!;
      self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
      if (gradient == null) return;
      tf.tidy(() => {
        const firstMoment = self.accumulatedFirstMoment[i]!.variable;
        const secondMoment = self.accumulatedSecondMoment[i]!.variable;
        const newFirstMoment = tf.add(tf.mul(firstMoment, self.beta1), tf.mul(gradient, 1 - self.beta1));
        const newSecondMoment = tf.add(tf.mul(secondMoment, self.beta2), tf.mul(tf.square(gradient), 1 - self.beta2));
        const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
        const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        const newValue = tf.add(tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), self.epsilon)), -self.learningRate), value);
        value.assign(newValue);
      });
    });
    tf.dispose([oneMinusAccBeta1, oneMinusAccBeta2]);
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}

/** Like tf.train.adam(learningRate) with tfjs's default betas and epsilon. */
export function leanAdam(learningRate: number): LeanAdamOptimizer {
  return new LeanAdamOptimizer(learningRate, 0.9, 0.999);
}
