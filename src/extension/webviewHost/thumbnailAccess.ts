/**
 * The user's thumbnail-folder grants (thumbnailGrants.ts) and the question
 * that makes them (refusedFolderPrompt.ts), on the real window and this
 * workspace's workspaceState. One pair for the extension, set by activate():
 * PanelHost reads it here rather than through every panel's constructor, so
 * the results, calibration and saliency panels share it unchanged. Also
 * registers MARGIN: Forget Folders Allowed for Thumbnails.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { realFolder } from './realFolder';
import { RefusedFolderPrompt, type PromptPort } from './refusedFolderPrompt';
import { FORGET_THUMBNAIL_FOLDERS_COMMAND, ThumbnailGrants } from './thumbnailGrants';

export interface ThumbnailAccess {
  grants: ThumbnailGrants;
  prompt: RefusedFolderPrompt;
}

let shared: ThumbnailAccess | undefined;

/** The extension's grants and prompt; undefined before activate() (panels then refuse as before). */
export function thumbnailAccess(): ThumbnailAccess | undefined {
  return shared;
}

const windowPort: PromptPort = {
  warn: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
  addToWorkspace: (folder) => {
    const end = vscode.workspace.workspaceFolders?.length ?? 0;
    return vscode.workspace.updateWorkspaceFolders(end, 0, { uri: vscode.Uri.file(folder) });
  },
  isTrusted: () => vscode.workspace.isTrusted,
};

export function registerThumbnailGrants(context: vscode.ExtensionContext): void {
  const grants = new ThumbnailGrants(context.workspaceState, {
    realPath: realFolder,
    homeFolder: homedir(),
    isTrusted: () => vscode.workspace.isTrusted,
  });
  const access = { grants, prompt: new RefusedFolderPrompt(grants, windowPort) };
  shared = access;
  context.subscriptions.push(
    vscode.commands.registerCommand(FORGET_THUMBNAIL_FOLDERS_COMMAND, () => forgetFolders(grants)),
    {
      dispose: () => {
        if (shared === access) shared = undefined;
      },
    },
  );
}

async function forgetFolders(grants: ThumbnailGrants): Promise<number> {
  const count = await grants.forget();
  void vscode.window.showInformationMessage(
    count === 0
      ? 'MARGIN: no folder outside the workspace was allowed for thumbnails.'
      : `MARGIN: forgot ${count} folder(s) allowed for thumbnails; panels no longer show images from them.`,
  );
  return count;
}
