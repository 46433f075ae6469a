/** `vigil serve`: run the daemon until SIGTERM/SIGINT, then stop gracefully. */
import { RuleSetError } from '../config/rule-set-error.js';
import { loadSettings, SettingsError } from '../config/load-settings.js';
import { startDaemon } from '../main.js';
import { EXIT } from './exit-codes.js';

/** Starts the daemon; resolves with the exit code once it has stopped. */
export async function runServeCommand(
  configPath: string | undefined,
  io: { err: (t: string) => void },
): Promise<number> {
  const environment = configPath !== undefined ? { ...process.env, VIGIL_CONFIG: configPath } : process.env;
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    const settings = await loadSettings(environment);
    daemon = await startDaemon(settings, { environment });
  } catch (error) {
    if (error instanceof SettingsError || error instanceof RuleSetError) {
      io.err(`vigil serve: ${error.message}`);
      return EXIT.badInput;
    }
    io.err(`vigil serve: cannot start: ${(error as Error).message}`);
    return EXIT.internalError;
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      daemon.logger.info({ signal }, 'signal received');
      daemon.close().then(
        () => resolve(EXIT.ok),
        (error: unknown) => {
          daemon.logger.error({ err: error }, 'unclean stop');
          resolve(EXIT.internalError);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
