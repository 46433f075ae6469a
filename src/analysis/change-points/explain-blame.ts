/**
 * The one-sentence explanation of why a deployment is a suspect, e.g. "checkout v2.4.1 was
 * deployed 3 min before error-rate rose 4.1× and its own verification rolled back on error-rate".
 */
import type { ServiceRelation } from './blame-evidence.js';
import type { BlameWindow } from './blame-window.js';
import type { DeploymentFact } from './deployment-fact.js';
import { formatGap } from './describe-change.js';

/** What the sentence is built from. */
export interface BlameStory {
  readonly deployment: DeploymentFact;
  readonly relation: ServiceRelation | undefined;
  /** The service whose KHI moved or whose alert fired, when known. */
  readonly service: string | undefined;
  /** Event time − deployment start (ms): positive when the deployment came first. */
  readonly gapMs: number;
  readonly window: BlameWindow;
  /** The event without its subject service, e.g. "error-rate rose 4.1×" or "the alert HighErrors fired". */
  readonly event: string;
  /** Whether `event` names one of the service's KHIs (then a dependency's sentence says whose). */
  readonly eventIsKhi: boolean;
  /** Other KHIs that moved after the deployment. */
  readonly alsoMoved: readonly string[];
  /** How the sentence ends, from the deployment's own verdict. */
  readonly verdictClause: string | undefined;
}

/** One sentence, no final period, naming the deployment, the timing, the event and the verdict. */
export function explainBlame(story: BlameStory): string {
  const { deployment, relation, service, gapMs } = story;
  const subject =
    relation === 'dependency' && service !== undefined
      ? `${deployment.service} ${deployment.version} (a dependency of ${service})`
      : `${deployment.service} ${deployment.version}`;
  const event =
    relation === 'dependency' && story.eventIsKhi && service !== undefined
      ? `${service}'s ${story.event}`
      : story.event;
  const timing =
    Math.abs(gapMs) < 1000
      ? `just as ${event}`
      : gapMs > 0
        ? `${formatGap(gapMs)} before ${event}`
        : `${formatGap(gapMs)} after ${event} (inside the ${formatGap(story.window.afterMs)} clock-skew allowance)`;
  const others = story.alsoMoved.length > 0 ? ` (${story.alsoMoved.join(', ')} moved too)` : '';
  const verdict = story.verdictClause === undefined ? '' : ` ${story.verdictClause}`;
  return `${subject} was deployed ${timing}${others}${verdict}`;
}
