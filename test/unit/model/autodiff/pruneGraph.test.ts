/**
 * Graph pruning (src/model/autodiff/pruneGraph.ts): a model cut to the
 * ancestors of the outputs asked for keeps exactly the nodes those outputs
 * need (listed by hand from the graphs below) and computes them bit for bit as
 * the whole graph does.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { npyToFloat32, readNpy } from '../../../../src/data/npy';
import { ancestorNodes, prunedToOutputs } from '../../../../src/model/autodiff/pruneGraph';
import {
  decodeModel,
  encodeModel,
  FLOAT,
  graphOf,
  helperModel,
  node,
  onnx,
  tensorType,
  valueInfo,
} from '../../../../src/model/onnxGraph';
import { array, FMNIST_MODEL, ROOT, zoo } from './zooFixtures';

const floatOutput = (name: string): onnx.IValueInfoProto => ({ name, type: tensorType(FLOAT, undefined) });

/** The model with `name` as its only output, every node kept (what gradientModel.ts built before pruning). */
function unprunedWithOutput(proto: onnx.ModelProto, name: string): Uint8Array {
  const copy = decodeModel(encodeModel(proto));
  graphOf(copy).output = [onnx.ValueInfoProto.create(floatOutput(name))];
  return encodeModel(copy);
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, output: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run(feeds))[output].data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('model/autodiff/pruneGraph', () => {
  it('cuts the Fashion-MNIST CNN at its second ReLU: the 7 nodes before it, their 12 initializers, the same values', async () => {
    const proto = decodeModel(readFileSync(FMNIST_MODEL));
    const hidden = '/features/features.6/Relu_output_0';
    const pruned = prunedToOutputs(proto, [floatOutput(hidden)]);
    const graph = graphOf(pruned);
    assert.deepEqual(
      graph.node.map((n) => n.opType),
      ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Conv', 'BatchNormalization', 'Relu'],
    );
    assert.equal(graphOf(proto).node.length, 12);
    assert.deepEqual(
      graph.initializer.map((t) => t.name).sort(),
      ['features.0', 'features.1', 'features.4', 'features.5']
        .flatMap((layer) =>
          layer.endsWith('0') || layer.endsWith('4')
            ? [`${layer}.weight`, `${layer}.bias`]
            : [`${layer}.weight`, `${layer}.bias`, `${layer}.running_mean`, `${layer}.running_var`],
        )
        .sort(),
    );
    assert.deepEqual(
      graph.input.map((i) => i.name),
      ['pixels'],
    );
    assert.equal(graphOf(proto).node.length, 12, 'the original model is not modified');

    const x = npyToFloat32(await readNpy(join(ROOT, 'test/fixtures/fmnist/reference/inputs16.npy')));
    const feeds = { pixels: new ort.Tensor('float32', x, [16, 1, 28, 28]) };
    const expected = await run(unprunedWithOutput(proto, hidden), feeds, hidden);
    const actual = await run(encodeModel(pruned), feeds, hidden);
    assert.ok(expected.some((v) => v > 0));
    assert.deepEqual(Array.from(actual), Array.from(expected));
  });

  it('keeps a residual block’s skip branch and drops a sibling branch the output does not read (ResNet-tiny)', async () => {
    const entry = zoo().find((e) => e.name === 'resnet-tiny')!;
    const proto = decodeModel(readFileSync(join(ROOT, entry.model)));
    const x = await array(entry, 'input.npy');
    const feeds = { [entry.input]: new ort.Tensor('float32', x, [4, ...entry.inputShape]) };

    // layer1's output: the stem and layer1, whose Add reads the stem's ReLU (the skip connection).
    const layer1 = entry.hidden!.name;
    const toLayer1 = graphOf(prunedToOutputs(proto, [floatOutput(layer1)]));
    assert.deepEqual(
      toLayer1.node.map((n) => n.output![0]),
      [
        '/conv1/Conv_output_0',
        '/bn1/BatchNormalization_output_0',
        '/relu/Relu_output_0',
        '/layer1/conv1/Conv_output_0',
        '/layer1/bn1/BatchNormalization_output_0',
        '/layer1/relu/Relu_output_0',
        '/layer1/conv2/Conv_output_0',
        '/layer1/bn2/BatchNormalization_output_0',
        '/layer1/Add_output_0',
        '/layer1/relu_1/Relu_output_0',
      ],
    );
    const value = await run(encodeModel(prunedToOutputs(proto, [floatOutput(layer1)])), feeds, layer1);
    assert.deepEqual(Array.from(value), Array.from(await run(unprunedWithOutput(proto, layer1), feeds, layer1)));
    const torch = await array(entry, 'hidden-value.npy');
    assert.ok(
      value.every((v, i) => Math.abs(v - torch[i]) <= 1e-5),
      'the pruned model computes PyTorch’s value of the layer',
    );

    // layer2's downsample branch: layer1 and the downsample Conv/BN, not layer2's main branch.
    const downsample = '/layer2/downsample/downsample.1/BatchNormalization_output_0';
    const pruned = prunedToOutputs(proto, [floatOutput(downsample)]);
    const names = graphOf(pruned).node.map((n) => n.output![0]);
    assert.equal(names.length, 12);
    assert.deepEqual(names.slice(0, 10), toLayer1.node.map((n) => n.output![0]));
    assert.deepEqual(names.slice(10), [
      '/layer2/downsample/downsample.0/Conv_output_0',
      '/layer2/downsample/downsample.1/BatchNormalization_output_0',
    ]);
    assert.ok(!graphOf(pruned).initializer.some((t) => t.name?.startsWith('layer2.conv1')));
    const expected = await run(unprunedWithOutput(proto, downsample), feeds, downsample);
    assert.deepEqual(Array.from(await run(encodeModel(pruned), feeds, downsample)), Array.from(expected));
  });

  it('keeps what a subgraph reads from the outer scope, and drops initializer-only inputs with their initializers', async () => {
    const scalar = (name: string, value: number): onnx.ITensorProto => ({
      name,
      dataType: FLOAT,
      dims: [1],
      floatData: [value],
    });
    // x → a = x + one → b = a · two (output); c = x · unused (dead). An If whose branches read `a` from
    // the outer scope feeds `d` (a second output in one case).
    const branch = (factor: string): onnx.IGraphProto => ({
      name: `branch_${factor}`,
      node: [node('Mul', ['a', factor], [`out_${factor}`])],
      output: [valueInfo(`out_${factor}`, FLOAT, [1])],
    });
    const model = decodeModel(
      helperModel({
        name: 'prune',
        node: [
          node('Add', ['x', 'one'], ['a']),
          node('Mul', ['a', 'two'], ['b']),
          node('Mul', ['x', 'unused'], ['c']),
          node('Greater', ['x', 'one'], ['flag']),
          node('Squeeze', ['flag'], ['condition']),
          {
            ...node('If', ['condition'], ['d']),
            attribute: [
              { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('two') },
              { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('one') },
            ],
          },
        ],
        initializer: [scalar('one', 1), scalar('two', 2), scalar('unused', 5)],
        // IR < 4 style: the initializers are listed as inputs too.
        input: [valueInfo('x', FLOAT, [1]), ...['one', 'two', 'unused'].map((n) => valueInfo(n, FLOAT, [1]))],
        output: [valueInfo('b', FLOAT, [1]), valueInfo('c', FLOAT, [1]), valueInfo('d', FLOAT, [1])],
      }),
    );

    const onlyB = graphOf(prunedToOutputs(model, [floatOutput('b')]));
    assert.deepEqual(
      onlyB.node.map((n) => n.output![0]),
      ['a', 'b'],
    );
    assert.deepEqual(onlyB.initializer.map((t) => t.name).sort(), ['one', 'two']);
    assert.deepEqual(onlyB.input.map((i) => i.name).sort(), ['one', 'two', 'x']);

    const onlyD = prunedToOutputs(model, [floatOutput('d')]);
    assert.deepEqual(
      graphOf(onlyD).node.map((n) => n.output![0]),
      ['a', 'flag', 'condition', 'd'],
      'the If node keeps `a`, which only its branches read',
    );
    assert.deepEqual(graphOf(onlyD).initializer.map((t) => t.name).sort(), ['one', 'two']);
    const feeds = { x: new ort.Tensor('float32', Float32Array.of(3), [1]) };
    assert.deepEqual(Array.from(await run(encodeModel(onlyD), feeds, 'd')), [8]); // (3 + 1) · 2

    // ancestorNodes on the list alone: the same nodes for both outputs together, in graph order.
    assert.deepEqual(
      ancestorNodes(graphOf(model).node, ['b', 'd']).map((n) => n.output![0]),
      ['a', 'b', 'flag', 'condition', 'd'],
    );
  });
});
