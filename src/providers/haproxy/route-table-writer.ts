/**
 * Replaces a whole HAProxy map at once through the runtime API: a new version is prepared, filled
 * and committed, so requests see the old table or the new one, never a mix. The map's file is
 * rewritten too, so a reload of HAProxy comes back with the same table.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { AdminSocket, HAProxyAdminError } from './admin-socket.js';

export interface MapEntry {
  key: string;
  value: string;
}

export async function replaceMap(socket: string, mapPath: string, entries: readonly MapEntry[]): Promise<void> {
  for (const { key, value } of entries) {
    if (/[\s;#\\]/.test(key + value))
      throw new HAProxyAdminError(`map entry ${key} ${value}: keys and values cannot hold spaces, ';', '#' or '\\'`);
  }
  const admin = new AdminSocket(socket);
  const answer = await admin.send(`prepare map ${mapPath}`);
  const version = /New version created: (\d+)/.exec(answer)?.[1];
  if (version === undefined) throw new HAProxyAdminError(`haproxy refused 'prepare map ${mapPath}': ${answer.trim()}`);
  for (const { key, value } of entries) await admin.change(`add map @${version} ${mapPath} ${key} ${value}`);
  await admin.change(`commit map @${version} ${mapPath}`);
  const temporary = `${mapPath}.zeroops-new`;
  writeFileSync(temporary, entries.map(({ key, value }) => `${key} ${value}\n`).join(''));
  renameSync(temporary, mapPath);
}
