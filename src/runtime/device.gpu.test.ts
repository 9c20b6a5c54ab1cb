// acquireDevice in Node (Dawn, SwiftShader on a machine without a GPU): a device that really computes.
import { testGpu } from '../testing/gpu.ts';
import { describeDevice } from './device-suite.ts';

describeDevice('Node, Dawn', await testGpu());
