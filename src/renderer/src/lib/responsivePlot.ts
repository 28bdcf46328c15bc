/**
 * One uPlot chart that follows the width of its box: the loss chart and the score history draw
 * through this. uPlot draws on a canvas and sets element styles through the CSSOM (allowed by
 * the Content Security Policy, unlike style attributes); a ResizeObserver keeps the chart as
 * wide as its box, so no screen scrolls sideways because of a chart.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** The narrowest a chart is drawn (its axes and legend need this much). */
export const CHART_MIN_WIDTH = 200;

export interface ResponsivePlot {
  plot: uPlot;
  /** Stops following the box and removes the chart. */
  destroy(): void;
}

/** Draws a chart in `box` at the box's width and height `height`, and redraws it when the box is resized. */
export function responsivePlot(box: HTMLElement, height: number, options: (width: number) => uPlot.Options, data: uPlot.AlignedData): ResponsivePlot {
  const width = () => Math.max(CHART_MIN_WIDTH, Math.floor(box.clientWidth));
  const plot = new uPlot(options(width()), data, box);
  const ro = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  ro.observe(box);
  return {
    plot,
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}
