import assert from 'node:assert/strict';
import {
  MANAGE_TRUST,
  MANAGE_TRUST_COMMAND,
  requireTrust,
  untrustedMessage,
  type TrustPort,
} from '../../../../src/extension/commands/workspaceTrust';

/**
 * The in-host e2e suite cannot untrust its folder (VS Code decides trust before
 * the extension starts), so the gate is tested here on a recording window port.
 */
function recordingPort(trusted: boolean, answer: string | undefined) {
  const warnings: { message: string; actions: string[] }[] = [];
  const commands: string[] = [];
  const port: TrustPort = {
    isTrusted: () => trusted,
    warn: (message, ...actions) => {
      warnings.push({ message, actions });
      return Promise.resolve(answer);
    },
    executeCommand: (command) => {
      commands.push(command);
      return Promise.resolve();
    },
  };
  return { port, warnings, commands };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('extension/commands/workspaceTrust', () => {
  it('lets a trusted workspace through without a word', async () => {
    const { port, warnings } = recordingPort(true, undefined);
    assert.equal(requireTrust('finding label issues', port), true);
    await settle();
    assert.deepEqual(warnings, []);
  });

  it('stops an untrusted workspace and says why, offering Manage Workspace Trust', async () => {
    const { port, warnings, commands } = recordingPort(false, undefined);
    assert.equal(requireTrust('finding label issues', port), false);
    await settle();
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0].actions, [MANAGE_TRUST]);
    assert.equal(warnings[0].message, untrustedMessage('finding label issues'));
    assert.match(warnings[0].message, /finding label issues is off in Restricted Mode/);
    assert.match(warnings[0].message, /loads no model and reads no \.margin\/ cache/);
    assert.deepEqual(commands, []);
  });

  it("opens VS Code's trust editor when the user picks the action", async () => {
    const { port, commands } = recordingPort(false, MANAGE_TRUST);
    assert.equal(requireTrust('explaining a prediction', port), false);
    await settle();
    assert.deepEqual(commands, [MANAGE_TRUST_COMMAND]);
    assert.equal(MANAGE_TRUST_COMMAND, 'workbench.trust.manage');
  });
});
