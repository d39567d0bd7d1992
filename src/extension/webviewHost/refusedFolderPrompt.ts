/**
 * Asks the user about a thumbnail folder a panel was refused (outside the
 * workspace): Show Images From This Folder allows it (thumbnailGrants.ts),
 * Add Folder to Workspace makes it a workspace folder. One question per
 * folder at a time, whichever panels ask; a folder the user dismissed is not
 * asked about again in this session; a folder that can never be allowed (the
 * disk's root, the home folder) is explained once, with no button. No vscode
 * import: the window is a port, so the flow is unit-tested.
 */
import { untrustedGrantReason, type ThumbnailGrants } from './thumbnailGrants';

export const SHOW_IMAGES = 'Show Images From This Folder';
export const ADD_TO_WORKSPACE = 'Add Folder to Workspace';

export interface PromptPort {
  warn(message: string, ...actions: string[]): Thenable<string | undefined> | Promise<string | undefined>;
  /** Adds `folder` after the workspace's folders; false when VS Code would not. */
  addToWorkspace(folder: string): boolean;
  isTrusted(): boolean;
}

export class RefusedFolderPrompt {
  /** Folders the user closed the question of, or was told can never be allowed: not asked again. */
  private readonly settled = new Set<string>();
  private readonly asking = new Set<string>();

  constructor(
    private readonly grants: ThumbnailGrants,
    private readonly port: PromptPort,
  ) {}

  /** Asks about each of `refused` not asked about now or settled; resolves when all are answered. */
  async ask(refused: readonly string[]): Promise<void> {
    await Promise.all(
      [...new Set(refused)]
        .filter((folder) => !this.settled.has(folder) && !this.asking.has(folder))
        .map((folder) => this.askOne(folder)),
    );
  }

  private async askOne(folder: string): Promise<void> {
    this.asking.add(folder);
    try {
      const check = this.grants.check(folder);
      if (!check.ok) {
        this.settled.add(folder);
        await this.port.warn(`MARGIN: the panel shows no thumbnails from ${folder}: ${check.reason}.`);
        return;
      }
      const trusted = this.port.isTrusted();
      const answer = await this.port.warn(
        refusedFolderMessage(folder, check.folder, trusted),
        ...(trusted ? [SHOW_IMAGES, ADD_TO_WORKSPACE] : [ADD_TO_WORKSPACE]),
      );
      if (answer === SHOW_IMAGES) await this.show(folder);
      else if (answer === ADD_TO_WORKSPACE) await this.add(folder, check.folder);
      else this.settled.add(folder);
    } finally {
      this.asking.delete(folder);
    }
  }

  private async show(folder: string): Promise<void> {
    const result = await this.grants.grant(folder);
    if (result.ok) return;
    this.settled.add(folder);
    await this.port.warn(`MARGIN: ${folder} was not allowed: ${result.reason}.`);
  }

  private async add(folder: string, real: string): Promise<void> {
    if (this.port.addToWorkspace(real)) return;
    this.settled.add(folder);
    await this.port.warn(`MARGIN: VS Code did not add ${real} to the workspace.`);
  }
}

export function refusedFolderMessage(folder: string, real: string, trusted: boolean): string {
  const where = real === folder ? folder : `${folder} (a link to ${real})`;
  const refused = `MARGIN: ${where} is outside this workspace, so the panel shows no thumbnails from it`;
  if (!trusted) return `${refused}: ${untrustedGrantReason(real)}. Add it to the workspace to see them.`;
  return (
    `${refused} (a panel reads only the workspace, the extension, .margin/ and folders you allow). ` +
    `Show images from ${real} in MARGIN's panels of this workspace, or add it to the workspace?`
  );
}
