/**
 * Small helper graphs (kNN, Gram product) run by onnxruntime. Each is built
 * once per process, with symbolic dimensions, and its session is reused.
 */
import * as ort from 'onnxruntime-node';
import { ORT_THREADING } from './ortThreads';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export function helperSession(name: string, build: () => Uint8Array): Promise<ort.InferenceSession> {
  let session = sessions.get(name);
  if (!session) {
    session = ort.InferenceSession.create(build(), {
      graphOptimizationLevel: 'all',
      ...ORT_THREADING,
    });
    // A failed build must not poison later calls.
    session.catch(() => sessions.delete(name));
    sessions.set(name, session);
  }
  return session;
}
