/** The fixture CNN and its sidecar, opened once per test file. */
import { join } from 'node:path';
import { npyToFloat32, readNpy } from '../../../../src/data/npy';
import { inputSpaceOf, type InputSpace } from '../../../../src/model/adversarial';
import { openModel, type LoadedModel } from '../../../../src/model/session';
import { loadModelConfig, type ModelConfig } from '../../../../src/model/sidecar';

export const ROOT = join(__dirname, '..', '..', '..', '..');
export const FMNIST_MODEL = join(ROOT, 'test', 'fixtures', 'fmnist', 'model.onnx');
export const ADVERSARIAL_FIXTURES = join(ROOT, 'test', 'fixtures', 'adversarial');
export const REFERENCE = join(ROOT, 'test', 'fixtures', 'fmnist', 'reference');

export async function fixtureModel(): Promise<{
  loaded: LoadedModel;
  config: ModelConfig;
  space: InputSpace;
}> {
  const loaded = await openModel(FMNIST_MODEL);
  const config = await loadModelConfig(FMNIST_MODEL, loaded.info);
  return { loaded, config, space: inputSpaceOf(config.input, FMNIST_MODEL) };
}

/** t10k 0..15 as model inputs (PyTorch-preprocessed, float32 16×1×28×28). */
export async function inputs16(): Promise<Float32Array> {
  return npyToFloat32(await readNpy(join(REFERENCE, 'inputs16.npy')));
}

export async function npy(name: string): Promise<Float32Array> {
  return npyToFloat32(await readNpy(join(REFERENCE, name)));
}
