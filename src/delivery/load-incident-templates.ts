/**
 * Reads and checks the incident templates once, at start-up: a missing file, an empty title or an
 * unknown variable stops the daemon with the file named, rather than surfacing mid-incident. The
 * templates sit beside this module, in `src/` for tests and copied to `dist/` by `npm run build`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  INCIDENT_TEMPLATE_NAMES,
  IncidentTemplateError,
  parseIncidentTemplate,
  type IncidentTemplate,
  type IncidentTemplateName,
  type IncidentTemplates,
} from './incident-template.js';

/** Where the shipped templates are. */
export const DEFAULT_INCIDENT_TEMPLATES_DIR = new URL('./incident-templates/', import.meta.url);

/** Every template of `dir` (`<name>.mustache`), checked; rejects with an IncidentTemplateError. */
export async function loadIncidentTemplates(
  dir: URL | string = DEFAULT_INCIDENT_TEMPLATES_DIR,
): Promise<IncidentTemplates> {
  const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  const entries = await Promise.all(
    INCIDENT_TEMPLATE_NAMES.map(async (name): Promise<[IncidentTemplateName, IncidentTemplate]> => {
      const url = new URL(`${name}.mustache`, base);
      const file = fileURLToPath(url);
      let text: string;
      try {
        text = await readFile(url, 'utf8');
      } catch (error) {
        throw new IncidentTemplateError(file, `cannot be read: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return [name, parseIncidentTemplate(name, file, text)];
    }),
  );
  return Object.freeze(Object.fromEntries(entries) as Record<IncidentTemplateName, IncidentTemplate>);
}
