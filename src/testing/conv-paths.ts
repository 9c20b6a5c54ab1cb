// The conv kernel paths a fusion test runs its graph on: every kernel a conv with groups = 1 can take
// (the quad kernels where the adapter has subgroups), the GEMMs whole and with K split in 2.
import type { LowerOptions } from '../compile/lower.ts';

export type ConvPath = Partial<Pick<LowerOptions, 'convKernel' | 'subgroups' | 'quadPixels' | 'splitK'>>;

export function convKernelPaths(subgroups: boolean): [string, ConvPath][] {
  return [
    ['naive', { convKernel: 'naive' }],
    ['direct', { convKernel: 'direct', subgroups: false }],
    ...(subgroups ? [
      ['direct, 16-pixel quads', { convKernel: 'direct', subgroups: true, quadPixels: 16 }],
      ['direct, 8-pixel quads', { convKernel: 'direct', subgroups: true, quadPixels: 8 }],
    ] as [string, ConvPath][] : []),
    ['gemm', { convKernel: 'gemm', splitK: false }],
    ['gemm, K split in 2', { convKernel: 'gemm', splitK: 2 }],
    ['gemm64', { convKernel: 'gemm64', splitK: false }],
    ['gemm64, K split in 2', { convKernel: 'gemm64', splitK: 2 }],
  ];
}
