/**
 * How every onnxruntime session here uses the CPU: one compute thread per
 * core this process may use, and no spinning between parallel sections.
 *
 * Left to its defaults, onnxruntime-node 1.30 ran each session on one thread
 * on the 2-core development machine (CPU time equal to wall time): a
 * ResNet-18 VJP of 16 images took 0.83 s against 0.42–0.44 s on both cores,
 * the exact kNN of 30,000 points 1.86 s against 1.34 s, and DANCE on a
 * ResNet-18 56 s against 33–37 s. With two threads that spin while idle (its
 * default once it has more than one), small runs lost: on the fixture CNN,
 * whose runs take tenths of a millisecond with JavaScript between them,
 * integrated gradients went from 10 to 17 ms per map and CASO from 29 to
 * 31–52 ms. Without spinning they take 9–10 and 27 ms, and the large runs
 * are as fast as with it.
 */
import * as os from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';

const cores = Math.max(
  1,
  typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
);

export const ORT_THREADING: Pick<InferenceSession.SessionOptions, 'intraOpNumThreads' | 'extra'> = {
  intraOpNumThreads: cores,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};
