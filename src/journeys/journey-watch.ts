/**
 * Watches a journey's pages for what a responder wants to see beside the trace: console errors,
 * uncaught page errors, and requests that failed or were answered with an HTTP error.
 */
import type { BrowserContext, Page } from 'playwright';
import type { FailedRequest } from './journey-result.js';

const MAX_ENTRIES = 50;

export interface JourneyWatch {
  readonly consoleErrors: readonly string[];
  readonly failedRequests: readonly FailedRequest[];
}

/** Starts watching every page the context opens (popups included). */
export function watchJourney(context: BrowserContext): JourneyWatch {
  const consoleErrors: string[] = [];
  const failedRequests: FailedRequest[] = [];
  const addConsoleError = (text: string): void => {
    if (consoleErrors.length < MAX_ENTRIES) consoleErrors.push(text);
  };
  const addFailedRequest = (entry: FailedRequest): void => {
    if (failedRequests.length < MAX_ENTRIES) failedRequests.push(entry);
  };
  const watchPage = (page: Page): void => {
    page.on('console', (message) => {
      if (message.type() === 'error') addConsoleError(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => addConsoleError(`${error.name}: ${error.message}`));
  };
  context.on('page', watchPage);
  context.on('requestfailed', (request) =>
    addFailedRequest({
      method: request.method(),
      url: request.url(),
      failure: request.failure()?.errorText ?? 'failed',
    }),
  );
  context.on('response', (response) => {
    if (response.status() >= 400)
      addFailedRequest({
        method: response.request().method(),
        url: response.url(),
        failure: `HTTP ${response.status()}`,
      });
  });
  return { consoleErrors, failedRequests };
}
