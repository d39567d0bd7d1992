/**
 * Appends ONNX nodes and constant initializers to a graph under
 * construction, with fresh tensor names, so backward rules read like the
 * maths they implement: `e.op('Mul', [g, local])`.
 */
import { onnx } from '../onnxGraph';
import { toNumber } from '../session';

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

export type Attributes = Record<
  string,
  number | number[] | string | { float: number } | { tensor: onnx.ITensorProto }
>;

export class GraphEmitter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;
  private readonly constants = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  fresh(hint: string): string {
    return `${this.prefix}/${hint}_${this.counter++}`;
  }

  /** One node with one output; integer attribute values are INT(S), `{float}` is FLOAT. */
  op(opType: string, inputs: string[], attributes: Attributes = {}): string {
    return this.opMulti(opType, inputs, 1, attributes)[0];
  }

  opMulti(opType: string, inputs: string[], outputs: number, attributes: Attributes = {}): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType));
    this.nodes.push({
      opType,
      input: inputs,
      output: names,
      name: names[0],
      attribute: toAttributes(attributes),
    });
    return names;
  }

  /** A 1-D int64 constant (axes, shapes, pads), shared between rules. */
  int64s(values: number[]): string {
    return this.constant(`i64:${values.join(',')}`, () => ({
      dataType: T.INT64,
      dims: [values.length],
      rawData: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer),
    }));
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    return this.floats([value], []);
  }

  /** A float32 constant of the given dims. */
  floats(values: ArrayLike<number>, dims: number[]): string {
    const data = Float32Array.from(values);
    const key = values.length <= 16 ? `f32:${dims.join('x')}:${Array.from(data).join(',')}` : undefined;
    const make = () => ({ dataType: T.FLOAT, dims, rawData: new Uint8Array(data.buffer) });
    return key ? this.constant(key, make) : this.addInitializer(make());
  }

  private constant(key: string, make: () => onnx.ITensorProto): string {
    let name = this.constants.get(key);
    if (!name) {
      name = this.addInitializer(make());
      this.constants.set(key, name);
    }
    return name;
  }

  private addInitializer(tensor: onnx.ITensorProto): string {
    const name = this.fresh('const');
    this.initializers.push({ ...tensor, name });
    return name;
  }
}

function toAttributes(attributes: Attributes): onnx.IAttributeProto[] {
  return Object.entries(attributes).map(([name, value]) => {
    if (typeof value === 'number') return { name, type: A.INT, i: value };
    if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
    if ('float' in value) return { name, type: A.FLOAT, f: value.float };
    return { name, type: A.TENSOR, t: value.tensor };
  });
}

/** Readers for a node's attributes, with the ONNX defaults passed in. */
export function attrInt(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i !== undefined && a?.i !== null ? toNumber(a.i as number) : fallback;
}

export function attrInts(node: onnx.INodeProto, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.ints?.length ? a.ints.map((v) => toNumber(v as number)) : undefined;
}

export function attrFloat(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a && a.type === A.FLOAT ? (a.f ?? fallback) : fallback;
}

export function attrString(node: onnx.INodeProto, name: string, fallback: string): string {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.s?.length ? new TextDecoder().decode(a.s) : fallback;
}
