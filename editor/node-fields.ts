// Receptive fields as the inspector and the activation viewer show them (src/graph/receptive-field.ts),
// computed once per analysed graph, and which Input the photo is fed to (the one they are drawn on).
import { describeField, receptiveFields, type GraphReport, type ReceptiveField } from '../src/index.ts';

const memo = new WeakMap<GraphReport, Map<string, ReceptiveField>>();

export function fieldsOf(report: GraphReport): Map<string, ReceptiveField> {
  let fields = memo.get(report);
  if (!fields) memo.set(report, (fields = receptiveFields(report)));
  return fields;
}

/** The inspector's line: "59×59 px, stride 8", with where output (0, 0)'s field lies as its tooltip. */
export function fieldText(report: GraphReport, id: string): { text: string; title: string } | undefined {
  const f = fieldsOf(report).get(id);
  if (!f || f.kind === 'independent') return undefined;
  if (f.kind !== 'window') return { text: describeField(f), title: 'what each output value depends on, in the pixels of the input' };
  const [top, left] = f.start, [h, w] = f.size;
  const input = report.byId.get(f.input)?.name ?? f.input;
  const past = top < 0 || left < 0 ? ' (below 0: padding past the edge)' : '';
  return {
    text: describeField(f),
    title: `In the pixels of ${input}: output (0, 0) sees rows ${top}…${top + h - 1} and columns ${left}…${left + w - 1}${past}; `
      + `each step along the map moves its field ${f.stride[0]} px down or ${f.stride[1]} px across${f.note ? `; ${f.note}` : ''}`,
  };
}

/** The Input the photo is fed to (editor/feeds.ts: the first shaped like a picture, of the photo's size); null without a photo. */
export function photoInput(report: GraphReport, photo: ImageData | null): string | null {
  if (!photo) return null;
  const input = report.order.map((id) => report.byId.get(id)!)
    .find((r) => r.op === 'Input' && r.shape?.length === 3 && (r.shape[2] === 3 || r.shape[2] === 1) && r.shape[0] === photo.height && r.shape[1] === photo.width);
  return input?.id ?? null;
}

/** Node `id`'s field where it can be drawn on the photo: measured in the pixels of the Input the photo is fed to. */
export function fieldOnPhoto(report: GraphReport, id: string, photo: ImageData | null): ReceptiveField | null {
  const f = fieldsOf(report).get(id);
  const input = photoInput(report, photo);
  if (!f || !input) return null;
  if (f.kind === 'window') return f.input === input ? f : null;
  if (f.kind === 'whole') return f.inputs.includes(input) ? f : null;
  return f.kind === 'none' ? f : null;
}
