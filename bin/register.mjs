// Lets Node run the engine's sources as they are: TypeScript (tsx) and `?raw` imports of WGSL
// (bin/raw-loader.mjs); points Dawn at SwiftShader on machines without a GPU. Import it before
// anything else: `node --import ./bin/register.mjs script.ts`, or as bin/deepwire.mjs does.
import { register as registerHooks } from 'node:module';
import { register as registerTypeScript } from 'tsx/esm/api';
import { useSwiftShaderInNode } from '../scripts/gpu-env.mjs';

useSwiftShaderInNode();
registerTypeScript();
// Registered last so it runs first: `?raw` never reaches the TypeScript resolver.
registerHooks('./raw-loader.mjs', import.meta.url);
