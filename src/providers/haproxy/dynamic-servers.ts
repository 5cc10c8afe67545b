/**
 * Instances registered in a backend at run time (HAProxy's dynamic servers): a lane's instances
 * join its backend when they are deployed and leave it when the lane is retired. Dynamic servers
 * start in maintenance with their checks off, so adding one is `add server … check`, `enable
 * health`, then `enable server`; removing one drains it first (`shutdown sessions`) because
 * `del server` refuses a server with connections.
 */
import { AdminSocket, HAProxyAdminError } from './admin-socket.js';

const safeName = /^[A-Za-z0-9_.:-]+$/;

export async function addServer(socket: string, backend: string, server: string, address: string): Promise<void> {
  for (const part of [backend, server, address])
    if (!safeName.test(part)) throw new HAProxyAdminError(`'${part}' is not a name HAProxy's runtime API can take`);
  const admin = new AdminSocket(socket);
  // Health-checked (the backend's own check, e.g. `option httpchk`), so an instance that dies is
  // taken out at once and a lane with none left serves its users the stable version.
  const command = `add server ${backend}/${server} ${address} check inter 1s fall 2 rise 1`;
  const answer = (await admin.send(command)).trim();
  if (!/^New server registered\.?$/.test(answer))
    throw new HAProxyAdminError(`haproxy refused '${command}': ${answer}`);
  await admin.change(`enable health ${backend}/${server}`);
  await admin.change(`enable server ${backend}/${server}`);
}

export async function removeServer(socket: string, backend: string, server: string): Promise<void> {
  const admin = new AdminSocket(socket);
  await admin.change(`set server ${backend}/${server} state maint`);
  await admin.change(`shutdown sessions server ${backend}/${server}`);
  const answer = (await admin.send(`del server ${backend}/${server}`)).trim();
  if (!/^Server deleted\.?$/.test(answer))
    throw new HAProxyAdminError(`haproxy refused 'del server ${backend}/${server}': ${answer}`);
}

/** The servers of a backend as the runtime sees them (names only). */
export async function serversOf(socket: string, backend: string): Promise<string[]> {
  return (await serverAddresses(socket, backend)).map((s) => s.name);
}

/** The servers of a backend with the address and port they listen on (`show servers state`). */
export async function serverAddresses(
  socket: string,
  backend: string,
): Promise<{ name: string; address: string; port: string }[]> {
  const answer = await new AdminSocket(socket).send(`show servers state ${backend}`);
  return answer
    .split('\n')
    .filter((line) => /^\d+ /.test(line))
    .map((line) => line.split(' '))
    .map((f) => ({ name: f[3]!, address: f[4]!, port: f[18] ?? '0' }));
}
