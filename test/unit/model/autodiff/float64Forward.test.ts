/**
 * The float64 forward pass of the gradient models (forwardPrecision
 * 'float64'): the double kernels it relies on, the Conv and pool rewrites
 * against direct float64 loops and onnxruntime's float32 kernels, a ReLU that
 * float32 puts on the wrong side of its kink, and whole models against their
 * float32 and PyTorch answers.
 */
import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { learnForwardFacts, openGradientModel } from '../../../../src/model/autodiff';
import { DOUBLE_KERNELS, float64ForwardModel } from '../../../../src/model/autodiff/float64Forward';
import { npyToFloat32, readNpy } from '../../../../src/data/npy';
import { decodeModel, encodeModel, onnx, tensorType } from '../../../../src/model/onnxGraph';
import { modelBytes, node, type Constant } from './opHarness';
import { RELU_KINK, RELU_KINK_INPUT, reluKinkModelBytes } from '../../../support/reluKinkModel';
import { array, FMNIST_MODEL, modelPath, relativeMaxError, ROOT, zoo } from './zooFixtures';

const T = onnx.TensorProto.DataType;

/** Deterministic values in [−1, 1), rounded to float32 so both precisions read the same numbers. */
function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.fround((state / 2147483648) * 2 - 1);
  });
}

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

interface WindowCase {
  name: string;
  /** Per-sample input shape [C, H, W]. */
  input: number[];
  op: string;
  attributes: Record<string, unknown>;
  constants?: Constant[];
}

/** The op's output in double (our rewrite) and in float32 (onnxruntime's own kernel), for a batch of 2. */
async function runBoth(
  c: WindowCase,
  x: number[],
): Promise<{ double: Float64Array; single: Float32Array; dims: number[] }> {
  const inputs = ['x', ...(c.constants ?? []).map((k) => k.name)];
  const bytes = modelBytes({
    input: c.input,
    nodes: [node(c.op, inputs, ['y'], c.attributes)],
    constants: c.constants,
  });
  const proto = decodeModel(bytes);
  const facts = await learnForwardFacts('window.onnx', proto, 'x');
  const feeds = { x: new ort.Tensor('float32', Float32Array.from(x), [2, ...c.input]) };
  const single = await ort.InferenceSession.create(bytes);
  const double = await ort.InferenceSession.create(
    encodeModel(float64ForwardModel('window.onnx', proto, facts, ['y'], 17)),
  );
  const [a, b] = [await single.run(feeds), await double.run(feeds)];
  const doubleOut = Object.values(b)[0];
  assert.equal(doubleOut.type, 'float64');
  assert.deepEqual(doubleOut.dims, a.y.dims);
  await Promise.all([single.release(), double.release()]);
  return {
    double: doubleOut.data as Float64Array,
    single: a.y.data as Float32Array,
    dims: a.y.dims as number[],
  };
}

interface Geometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [top, left, bottom, right]. */
  pads: number[];
}

/** Direct float64 convolution, NCHW, with groups. */
function convolve(
  x: number[],
  xDims: number[],
  w: number[],
  wDims: number[],
  b: number[] | undefined,
  g: Geometry,
  group: number,
) {
  const [n, c, h, width] = xDims;
  const [m, cg, kh, kw] = wDims;
  const oh = Math.floor((h + g.pads[0] + g.pads[2] - g.dilations[0] * (kh - 1) - 1) / g.strides[0]) + 1;
  const ow = Math.floor((width + g.pads[1] + g.pads[3] - g.dilations[1] * (kw - 1) - 1) / g.strides[1]) + 1;
  const y = new Float64Array(n * m * oh * ow);
  const mg = m / group;
  for (let s = 0; s < n; s++)
    for (let o = 0; o < m; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let sum = b ? b[o] : 0;
          const groupIndex = Math.floor(o / mg);
          for (let k = 0; k < cg; k++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const r = i * g.strides[0] - g.pads[0] + u * g.dilations[0];
                const q = j * g.strides[1] - g.pads[1] + v * g.dilations[1];
                if (r < 0 || r >= h || q < 0 || q >= width) continue;
                const channel = groupIndex * cg + k;
                sum += x[((s * c + channel) * h + r) * width + q] * w[((o * cg + k) * kh + u) * kw + v];
              }
          y[((s * m + o) * oh + i) * ow + j] = sum;
        }
  return { y, dims: [n, m, oh, ow] };
}

/** Direct float64 average pool; outDims from onnxruntime (ceil_mode decides them). */
function averagePool(x: number[], xDims: number[], g: Geometry, includePad: boolean, outDims: number[]) {
  const [n, c, h, width] = xDims;
  const [, , oh, ow] = outDims;
  const y = new Float64Array(n * c * oh * ow);
  for (let s = 0; s < n * c; s++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let sum = 0;
        let count = 0;
        for (let u = 0; u < g.kernel[0]; u++)
          for (let v = 0; v < g.kernel[1]; v++) {
            const r = i * g.strides[0] - g.pads[0] + u;
            const q = j * g.strides[1] - g.pads[1] + v;
            const inPadded = r < h + g.pads[2] && q < width + g.pads[3];
            if (r >= 0 && r < h && q >= 0 && q < width) {
              sum += x[(s * h + r) * width + q];
              count++;
            } else if (includePad && inPadded) count++;
          }
        y[(s * oh + i) * ow + j] = sum / count;
      }
  return y;
}

function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let error = 0;
  for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs(actual[i] - expected[i]));
  return error;
}

const geometry = (over: Partial<Geometry> & { kernel: number[] }): Geometry => ({
  strides: [1, 1],
  dilations: [1, 1],
  pads: [0, 0, 0, 0],
  ...over,
});

describe('float64 forward pass (forwardPrecision float64)', () => {
  describe('onnxruntime CPU double kernels', () => {
    /** A tiny double model per op: float inputs fed as double, integer inputs as constants. */
    type In = { f: number[] } | { i: number[]; v: number[] } | { b: number[] };
    const f = (...dims: number[]): In => ({ f: dims });
    const i = (dims: number[], v: number[]): In => ({ i: dims, v });
    const unary = (op: string) => ({ op, inputs: [f(2, 3, 4)] });
    const binary = (op: string) => ({ op, inputs: [f(2, 3, 4), f(2, 3, 4)] });
    const reduce = (op: string) => ({ op, inputs: [f(2, 3, 4), i([1], [1])] });
    const cases: {
      op: string;
      inputs: In[];
      attributes?: Record<string, unknown>;
      outputs?: number;
      floatData?: number[][];
    }[] = [
      ...[
        'Relu',
        'Sigmoid',
        'Tanh',
        'Exp',
        'Log',
        'Sqrt',
        'Neg',
        'Abs',
        'Reciprocal',
        'Sign',
        'Sin',
        'Cos',
      ].map(unary),
      ...['Floor', 'Ceil', 'Round', 'LeakyRelu', 'Softmax', 'LogSoftmax', 'IsNaN', 'Identity', 'Dropout'].map(
        unary,
      ),
      ...['Flatten', 'Shape', 'Size', 'ArgMax', 'LpNormalization', 'Trilu'].map(unary),
      ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Equal', 'Less', 'Greater', 'PRelu'].map(
        binary,
      ),
      ...['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2'].map(
        reduce,
      ),
      ...['ReduceLogSumExp', 'ReduceSumSquare'].map(reduce),
      { op: 'Mod', inputs: [f(2, 3), f(2, 3)], attributes: { fmod: 1 } },
      { op: 'Clip', inputs: [f(2, 3), f(), f()], floatData: [[], [0], [0.7]] },
      { op: 'Where', inputs: [{ b: [2, 3] }, f(2, 3), f(2, 3)] },
      { op: 'MatMul', inputs: [f(2, 3, 4), f(4, 5)] },
      { op: 'Gemm', inputs: [f(2, 3), f(4, 3), f(4)], attributes: { transB: 1 } },
      { op: 'Einsum', inputs: [f(2, 3), f(3, 4)], attributes: { equation: 'ij,jk->ik' } },
      { op: 'BatchNormalization', inputs: [f(2, 3, 4, 4), f(3), f(3), f(3), f(3)] },
      { op: 'LayerNormalization', inputs: [f(2, 3, 4), f(4), f(4)], outputs: 3 },
      { op: 'MaxPool', inputs: [f(2, 3, 5, 5)], attributes: { kernel_shape: [2, 2] }, outputs: 2 },
      { op: 'CumSum', inputs: [f(2, 3), i([], [1])] },
      { op: 'TopK', inputs: [f(2, 6), i([1], [2])], outputs: 2 },
      { op: 'Reshape', inputs: [f(2, 3, 4), i([2], [2, 12])] },
      { op: 'Transpose', inputs: [f(2, 3, 4)], attributes: { perm: [0, 2, 1] } },
      { op: 'Concat', inputs: [f(2, 3), f(2, 3)], attributes: { axis: 1 } },
      { op: 'Split', inputs: [f(2, 6), i([2], [2, 4])], attributes: { axis: 1 }, outputs: 2 },
      { op: 'Slice', inputs: [f(2, 6), i([1], [1]), i([1], [5]), i([1], [1]), i([1], [2])] },
      { op: 'Gather', inputs: [f(2, 6), i([2], [0, 3])], attributes: { axis: 1 } },
      { op: 'GatherElements', inputs: [f(2, 6), i([2, 2], [0, 3, 1, 1])], attributes: { axis: 1 } },
      { op: 'Squeeze', inputs: [f(2, 1, 6), i([1], [1])] },
      { op: 'Unsqueeze', inputs: [f(2, 6), i([1], [1])] },
      { op: 'Pad', inputs: [f(2, 3, 4, 4), i([8], [0, 0, 1, 1, 0, 0, 1, 1]), f()] },
      { op: 'Expand', inputs: [f(2, 1, 4), i([3], [2, 3, 4])] },
      { op: 'Tile', inputs: [f(2, 3), i([2], [2, 1])] },
      { op: 'ScatterND', inputs: [f(4, 3), i([1, 1], [2]), f(1, 3)] },
      { op: 'ScatterElements', inputs: [f(2, 6), i([2, 1], [0, 3]), f(2, 1)], attributes: { axis: 1 } },
      { op: 'DepthToSpace', inputs: [f(1, 4, 2, 2)], attributes: { blocksize: 2 } },
      { op: 'SpaceToDepth', inputs: [f(1, 1, 4, 4)], attributes: { blocksize: 2 } },
      { op: 'Range', inputs: [f(), f(), f()], floatData: [[0], [5], [1]] },
      { op: 'Cast', inputs: [f(2, 3)], attributes: { to: T.DOUBLE } },
      { op: 'CastLike', inputs: [f(2, 3), f(1)] },
    ];

    function doubleModel(c: (typeof cases)[number]): {
      bytes: Uint8Array;
      feeds: Record<string, ort.Tensor>;
    } {
      const feeds: Record<string, ort.Tensor> = {};
      const initializer: onnx.ITensorProto[] = [];
      const names = c.inputs.map((input, k) => {
        const name = `in${k}`;
        if ('f' in input) {
          const data = c.floatData?.[k]?.length
            ? Float64Array.from(c.floatData[k])
            : Float64Array.from(values(product(input.f), k + 1), (v) => v + 1.5);
          feeds[name] = new ort.Tensor('float64', data, input.f);
        } else if ('b' in input) {
          feeds[name] = new ort.Tensor(
            'bool',
            Uint8Array.from({ length: product(input.b) }, (_, j) => j % 2),
            input.b,
          );
        } else {
          initializer.push({
            name,
            dataType: T.INT64,
            dims: input.i,
            rawData: new Uint8Array(BigInt64Array.from(input.v, BigInt).buffer),
          });
        }
        return name;
      });
      const built = node(
        c.op,
        names,
        Array.from({ length: c.outputs ?? 1 }, (_, k) => `out${k}`),
        c.attributes,
      );
      const bytes = encodeModel({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 18 }],
        graph: {
          name: c.op,
          node: [built],
          initializer,
          input: Object.entries(feeds).map(([name, t]) => ({
            name,
            type: tensorType(t.type === 'bool' ? T.BOOL : T.DOUBLE, t.dims as number[]),
          })),
          output: built.output!.map((name) => ({ name })),
        },
      });
      return { bytes, feeds };
    }

    it('every op in DOUBLE_KERNELS has a case here, and nothing else', () => {
      assert.deepEqual([...new Set(cases.map((c) => c.op))].sort(), [...DOUBLE_KERNELS].sort());
    });

    for (const c of cases) {
      it(`${c.op} runs with double inputs and gives double (or integer/bool) outputs`, async () => {
        const { bytes, feeds } = doubleModel(c);
        const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
        const result = await session.run(feeds);
        const first = result.out0;
        const expected = ['Shape', 'Size', 'ArgMax'].includes(c.op)
          ? 'int64'
          : ['Equal', 'Less', 'Greater', 'IsNaN'].includes(c.op)
            ? 'bool'
            : 'float64';
        assert.equal(first.type, expected);
        await session.release();
      });
    }

    it('Conv, AveragePool, GlobalAveragePool and Erf have no double kernel (hence the rewrites and the float32 fallback)', async () => {
      for (const [op, attributes] of [
        ['Conv', {}],
        ['AveragePool', { kernel_shape: [2, 2] }],
        ['GlobalAveragePool', {}],
        ['Erf', {}],
      ] as [string, Record<string, unknown>][]) {
        const inputs = op === 'Conv' ? [f(1, 2, 4, 4), f(3, 2, 3, 3)] : [f(1, 2, 4, 4)];
        const { bytes } = doubleModel({ op, inputs, attributes });
        await assert.rejects(ort.InferenceSession.create(bytes), /Could not find an implementation/, op);
        assert.ok(!DOUBLE_KERNELS.has(op));
      }
    });
  });

  describe('Conv rewritten as Pad + strided Slices + MatMul', () => {
    const convCases: {
      name: string;
      input: number[];
      w: number[];
      bias: boolean;
      attributes: Record<string, unknown>;
      g: Geometry;
      group: number;
    }[] = [
      {
        name: '3×3, pads 1, bias',
        input: [3, 7, 6],
        w: [4, 3, 3, 3],
        bias: true,
        attributes: { pads: [1, 1, 1, 1] },
        g: geometry({ kernel: [3, 3], pads: [1, 1, 1, 1] }),
        group: 1,
      },
      {
        name: '5×3, strides 2×3, uneven pads',
        input: [2, 9, 11],
        w: [3, 2, 5, 3],
        bias: false,
        attributes: { strides: [2, 3], pads: [2, 0, 1, 2] },
        g: geometry({ kernel: [5, 3], strides: [2, 3], pads: [2, 0, 1, 2] }),
        group: 1,
      },
      {
        name: 'dilation 2, stride 2',
        input: [2, 10, 9],
        w: [3, 2, 3, 3],
        bias: true,
        attributes: { dilations: [2, 2], strides: [2, 1], pads: [1, 2, 1, 2] },
        g: geometry({ kernel: [3, 3], dilations: [2, 2], strides: [2, 1], pads: [1, 2, 1, 2] }),
        group: 1,
      },
      {
        name: 'groups 2',
        input: [4, 6, 6],
        w: [6, 2, 3, 3],
        bias: true,
        attributes: { group: 2, pads: [1, 1, 1, 1] },
        g: geometry({ kernel: [3, 3], pads: [1, 1, 1, 1] }),
        group: 2,
      },
      {
        name: 'depthwise ×2, stride 2',
        input: [3, 8, 7],
        w: [6, 1, 3, 3],
        bias: true,
        attributes: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] },
        g: geometry({ kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        group: 3,
      },
      {
        name: '1×1, no pads',
        input: [5, 4, 4],
        w: [3, 5, 1, 1],
        bias: true,
        attributes: {},
        g: geometry({ kernel: [1, 1] }),
        group: 1,
      },
      // SAME_UPPER on 7×8, stride 2, 4×3 kernel: outputs 4×4, total pads 3 and 1 → [1, 0, 2, 1].
      {
        name: 'auto_pad SAME_UPPER',
        input: [2, 7, 8],
        w: [2, 2, 4, 3],
        bias: false,
        attributes: { auto_pad: 'SAME_UPPER', strides: [2, 2] },
        g: geometry({ kernel: [4, 3], strides: [2, 2], pads: [1, 0, 2, 1] }),
        group: 1,
      },
      {
        name: 'auto_pad SAME_LOWER',
        input: [2, 7, 8],
        w: [2, 2, 4, 3],
        bias: false,
        attributes: { auto_pad: 'SAME_LOWER', strides: [2, 2] },
        g: geometry({ kernel: [4, 3], strides: [2, 2], pads: [2, 1, 1, 0] }),
        group: 1,
      },
      {
        name: 'auto_pad VALID',
        input: [2, 7, 8],
        w: [2, 2, 4, 3],
        bias: true,
        attributes: { auto_pad: 'VALID' },
        g: geometry({ kernel: [4, 3] }),
        group: 1,
      },
    ];
    for (const c of convCases) {
      it(`${c.name}: equals a direct float64 convolution within 1e-12, onnxruntime's float Conv within float32 rounding`, async () => {
        const w = values(product(c.w), 7);
        const b = c.bias ? values(c.w[0], 11) : undefined;
        const x = values(2 * product(c.input), 3);
        const constants: Constant[] = [
          { name: 'w', dims: c.w, values: w },
          ...(b ? [{ name: 'b', dims: [c.w[0]], values: b }] : []),
        ];
        const { double, single, dims } = await runBoth(
          { name: c.name, input: c.input, op: 'Conv', attributes: c.attributes, constants },
          x,
        );
        const direct = convolve(x, [2, ...c.input], w, c.w, b, c.g, c.group);
        assert.deepEqual(dims, direct.dims);
        assert.ok(maxError(double, direct.y) <= 1e-12, `vs direct: ${maxError(double, direct.y)}`);
        assert.ok(maxError(single, direct.y) <= 1e-5, `vs onnxruntime float: ${maxError(single, direct.y)}`);
      });
    }
  });

  describe('AveragePool and GlobalAveragePool rewritten', () => {
    const poolCases: {
      name: string;
      input: number[];
      attributes: Record<string, unknown>;
      g: Geometry;
      includePad: boolean;
    }[] = [
      {
        name: '2×2 stride 2 (DenseNet transition)',
        input: [3, 8, 6],
        attributes: { kernel_shape: [2, 2], strides: [2, 2] },
        g: geometry({ kernel: [2, 2], strides: [2, 2] }),
        includePad: false,
      },
      {
        name: '3×3 pads 1, count_include_pad 0',
        input: [2, 7, 6],
        attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
        g: geometry({ kernel: [3, 3], pads: [1, 1, 1, 1] }),
        includePad: false,
      },
      {
        name: '3×3 pads 1, count_include_pad 1',
        input: [2, 7, 6],
        attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 },
        g: geometry({ kernel: [3, 3], pads: [1, 1, 1, 1] }),
        includePad: true,
      },
      {
        name: '3×2 strides 2, ceil_mode',
        input: [2, 8, 7],
        attributes: { kernel_shape: [3, 2], strides: [2, 2], ceil_mode: 1 },
        g: geometry({ kernel: [3, 2], strides: [2, 2] }),
        includePad: false,
      },
      {
        name: '3×3 strides 2, pads 1, ceil_mode, count_include_pad 1',
        input: [2, 8, 8],
        attributes: {
          kernel_shape: [3, 3],
          strides: [2, 2],
          pads: [1, 1, 1, 1],
          ceil_mode: 1,
          count_include_pad: 1,
        },
        g: geometry({ kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        includePad: true,
      },
    ];
    for (const c of poolCases) {
      it(`AveragePool ${c.name}: equals a direct float64 pool within 1e-12 and onnxruntime's float pool`, async () => {
        const x = values(2 * product(c.input), 5);
        const { double, single, dims } = await runBoth(
          { name: c.name, input: c.input, op: 'AveragePool', attributes: c.attributes },
          x,
        );
        const direct = averagePool(x, [2, ...c.input], c.g, c.includePad, dims);
        assert.ok(maxError(double, direct) <= 1e-12, `vs direct: ${maxError(double, direct)}`);
        assert.ok(maxError(single, direct) <= 1e-6, `vs onnxruntime float: ${maxError(single, direct)}`);
      });
    }

    it('GlobalAveragePool: the mean of each channel, in double', async () => {
      const input = [3, 5, 7];
      const x = values(2 * product(input), 9);
      const { double, single, dims } = await runBoth(
        { name: 'global', input, op: 'GlobalAveragePool', attributes: {} },
        x,
      );
      assert.deepEqual(dims, [2, 3, 1, 1]);
      const direct = Array.from(
        { length: 6 },
        (_, k) => x.slice(k * 35, (k + 1) * 35).reduce((a, v) => a + v, 0) / 35,
      );
      assert.ok(maxError(double, direct) <= 1e-12);
      assert.ok(maxError(single, direct) <= 1e-6);
    });
  });

  describe('a ReLU that float32 puts on the wrong side of its kink', () => {
    // test/support/reluKinkModel.ts: float32 gives y = 0 and dy/dx = [0, 0], float64 y = 0.5 and [0, 1].
    const bytes = reluKinkModelBytes();
    const x = RELU_KINK_INPUT;
    const upstream = Float32Array.of(1);

    async function gradientWith(options: { forwardPrecision?: 'float32' | 'float64' }) {
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const path = join(mkdtempSync(join(tmpdir(), 'f64-relu-')), 'kink.onnx');
      writeFileSync(path, bytes);
      const model = await openGradientModel(path, { logits: 'y', ...options });
      try {
        return await model.logits.vjp(x, 1, upstream);
      } finally {
        await model.release();
      }
    }

    it('by default (float32 forward) the ReLU is off: y = 0, gradient [0, 0]', async () => {
      const { grad, output } = await gradientWith({});
      assert.deepEqual(Array.from(output), [RELU_KINK.float32.y]);
      assert.deepEqual(Array.from(grad), RELU_KINK.float32.gradient);
    });

    it("with forwardPrecision 'float64' the ReLU is on, as in exact arithmetic: y = 0.5, gradient [0, 1]", async () => {
      const { grad, output } = await gradientWith({ forwardPrecision: 'float64' });
      assert.deepEqual(Array.from(output), [RELU_KINK.float64.y]);
      assert.deepEqual(Array.from(grad), RELU_KINK.float64.gradient);
    });
  });

  describe('whole models', () => {
    it('the fixture CNN: float64-forward gradients and logits equal the float32 ones within float32 tolerance', async () => {
      const all = npyToFloat32(await readNpy(join(ROOT, 'test/fixtures/fmnist/reference/inputs16.npy')));
      const n = 6;
      const x = all.slice(0, n * 784);
      const upstream = Float32Array.from(values(n * 10, 13));
      const single = await openGradientModel(FMNIST_MODEL);
      const double = await openGradientModel(FMNIST_MODEL, { forwardPrecision: 'float64' });
      try {
        const a = await single.logits.vjp(x, n, upstream);
        const b = await double.logits.vjp(x, n, upstream);
        assert.ok(
          relativeMaxError(b.output, a.output) < 1e-5,
          `logits ${relativeMaxError(b.output, a.output)}`,
        );
        for (let i = 0; i < n; i++) {
          const error = relativeMaxError(
            b.grad.subarray(i * 784, (i + 1) * 784),
            a.grad.subarray(i * 784, (i + 1) * 784),
          );
          assert.ok(error < 1e-4, `image ${i}: relative error ${error}`);
          assert.ok(b.grad.subarray(i * 784, (i + 1) * 784).some((v) => v !== 0));
        }
        // DANCE's fused penalty VJP works under the float64 forward too: same answer as float32's.
        const layer32 = await single.tensor('/features/features.3/MaxPool_output_0');
        const layer64 = await double.tensor('/features/features.3/MaxPool_output_0');
        const reference = await layer32.forward(x.subarray(0, 784), 1);
        const penalty = { reference, weights: Float32Array.of(2, 0, 1, 4, 3, 1), inner: 0.05 };
        const p32 = await layer32.penaltyVjp!(x, n, penalty);
        const p64 = await layer64.penaltyVjp!(x, n, penalty);
        assert.ok(
          relativeMaxError(p64.grad, p32.grad) < 1e-4,
          `penalty ${relativeMaxError(p64.grad, p32.grad)}`,
        );
        assert.ok(p64.grad.some((v) => v !== 0));
      } finally {
        await Promise.all([single.release(), double.release()]);
      }
    });

    it('DeepLIFT is refused with the float64 forward, naming the option', async () => {
      const double = await openGradientModel(FMNIST_MODEL, { forwardPrecision: 'float64' });
      try {
        const x = new Float32Array(784);
        await assert.rejects(
          double.deepLift(x, x, 1, new Float32Array(10), 'rescale'),
          /float64 forward pass is for plain gradients/,
        );
      } finally {
        await double.release();
      }
    });

    for (const entry of zoo().filter((e) => e.name !== 'fmnist-cnn')) {
      // Constant and Not read no input-dependent float tensor: they stay as they are.
      const withoutDouble = entry.ops.filter(
        (op) => !DOUBLE_KERNELS.has(op) && op !== 'Constant' && op !== 'Not',
      );
      it(`autodiff zoo ${entry.name} (ops without a double kernel: ${withoutDouble.join(', ') || 'none'}): matches PyTorch autograd within 1e-4`, async () => {
        const model = await openGradientModel(modelPath(entry), { forwardPrecision: 'float64' });
        try {
          const x = await array(entry, 'input.npy');
          const n = x.length / model.sampleSize;
          const { grad, output } = await model.logits.vjp(x, n, await array(entry, 'upstream.npy'));
          assert.ok(relativeMaxError(output, await array(entry, 'logits.npy')) < 1e-4);
          const error = relativeMaxError(grad, await array(entry, 'grad.npy'));
          assert.ok(error < 1e-4, `relative error ${error}`);
        } finally {
          await model.release();
        }
      });
    }
  });
});
