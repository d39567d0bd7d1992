/**
 * Reading and writing ONNX protobufs (onnx-proto, i.e. protobufjs), for the two
 * things onnxruntime's API cannot do: list the graph's nodes (to find the
 * embedding tensor) and build small helper graphs (kNN, Gram products) that
 * onnxruntime then runs natively.
 */
import { onnx } from 'onnx-proto';

export { onnx };

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

/** Decodes model bytes; throws the protobuf error as is (the caller names the file). */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** A tensor type with symbolic (`string`) or fixed (`number`) dimensions. */
export function tensorType(elemType: number, dims: (string | number)[] | undefined): onnx.ITypeProto {
  return {
    tensorType: {
      elemType,
      shape: dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined,
    },
  };
}

export function valueInfo(name: string, elemType: number, dims?: (string | number)[]): onnx.IValueInfoProto {
  return { name, type: tensorType(elemType, dims) };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: onnx.IAttributeProto[] = [],
): onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute: attributes };
}

export function intAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function floatAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

/** A standalone model of default-domain ops at opset 13 (supported by every onnxruntime 1.x we ship). */
export function helperModel(graph: onnx.IGraphProto): Uint8Array {
  return encodeModel({
    irVersion: 7,
    producerName: 'margin-lens',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
}

/** A decoded model's graph; decoding fills every repeated field, so its lists are never null. */
export function graphOf(model: onnx.ModelProto): onnx.GraphProto {
  return model.graph as onnx.GraphProto;
}
