/**
 * A small base for objects that own disposables (as in vscode-hexeditor's
 * `src/dispose.ts`): everything registered is disposed once, in reverse order.
 * It only needs `{ dispose(): void }`, so it stays usable outside VS Code.
 */
export abstract class Disposable {
  private readonly disposables: { dispose(): unknown }[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends { dispose(): unknown }>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch {
        // One failing dispose must not keep the others alive.
      }
    }
  }
}
