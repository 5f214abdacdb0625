import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, RadarChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

// Only what the screens use, so the chunk stays small; add a chart type here when a screen needs it.
echarts.use([BarChart, LineChart, PieChart, RadarChart, DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);

export interface EChartProps {
  /** Names the chart for screen readers; give the figures as a table too. */
  label: string;
  option: EChartsCoreOption;
  /** CSS height; the width follows the container. */
  height?: string;
  className?: string;
}

/**
 * An ECharts chart (SVG, crisp at any zoom and in large-text mode) that follows its option and
 * its container's size. Import it only from lazily loaded screens, so ECharts loads where it is used.
 */
export function EChart({ label, option, height = '320px', className }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!container.current) return;
    const instance = echarts.init(container.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={container} className={['chart', className].filter(Boolean).join(' ')} style={{ height }} role="img" aria-label={label} />;
}
