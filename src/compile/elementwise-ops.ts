// The operations of shaders/elementwise.wgsl's OP override, by name: the one list the compiler uses
// (a merge op declares its name, src/ops/op.ts GpuTraits.merge); elementwise-ops.test.ts checks each
// code against the kernel's own switch.
export const ELEMENTWISE_OP = { copy: 0, add: 1, subtract: 2, multiply: 3, maximum: 4, minimum: 5, divide: 6 } as const;

export type ElementwiseOp = keyof typeof ELEMENTWISE_OP;
