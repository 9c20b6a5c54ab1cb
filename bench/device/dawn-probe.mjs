// Which adapters Dawn in Node (the `webgpu` package: the CLI, the GPU tests, `npm run bench:node`) finds here.
import { create } from 'webgpu';
for (const opts of [[], ['backend=vulkan']]) {
  try {
    const gpu = create(opts);
    for (const powerPreference of ['high-performance', 'low-power']) {
      const a = await gpu.requestAdapter({ powerPreference });
      console.log(JSON.stringify({ opts, powerPreference, adapter: a && { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, subgroups: a.features.has('subgroups'), timestamps: a.features.has('timestamp-query') } }));
    }
  } catch (e) {
    console.log(JSON.stringify({ opts, error: String(e) }));
  }
}
process.exit(0);
