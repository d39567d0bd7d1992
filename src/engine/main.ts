/**
 * The engine process. The extension forks it with an IPC channel; all model
 * inference and graph maths run here, so the extension host stays responsive
 * (onnxruntime work would otherwise compete with the editor's event loop).
 */
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { serveEngine } from './server';

function main(): void {
  if (!process.send) {
    process.stderr.write('dist/engine.js is the MARGIN Lens engine; it is started by the extension over IPC. Use dist/cli.js from a shell.\n');
    process.exit(2);
  }
  const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
  // A bug in one job must not take the engine down with every other job.
  process.on('uncaughtException', (error) => process.stderr.write(`uncaught: ${error.stack ?? error}\n`));
  process.on('unhandledRejection', (error) => process.stderr.write(`unhandled rejection: ${(error as Error)?.stack ?? error}\n`));
  serveEngine(connection);
  connection.onClose(() => process.exit(0));
  connection.listen();
}

main();
