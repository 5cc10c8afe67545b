/**
 * Settles at the next SIGINT or SIGTERM. It listens from the moment it is called: call it before saying
 * "ready", because until a listener exists a signal ends the process outright, skipping the orderly stop.
 */
export function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
