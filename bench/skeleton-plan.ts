import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type Event = temporal.api.history.v1.IHistoryEvent;

/** The signal the skeleton workflow counts (the engine's SumSub webhooks). */
export const SKELETON_SIGNAL = 'skeletonEvent';

/** One step of the skeleton workflow (bench/skeleton-workflow.ts). */
export type SkeletonStep =
  /** A no-op activity, awaited. */
  | { kind: 'activity' }
  /** A timer of `ms` that fires (the engine's scheduled polls). */
  | { kind: 'timer'; ms: number }
  /** A timer cancelled by `count` signals, which a trigger activity asks the worker to send. */
  | { kind: 'signals'; count: number }
  /** Shows `phase` in `KycPhase`, then waits on a timer that outlasts the bench (`signals` arrive meanwhile). */
  | { kind: 'wait'; phase: string; signals: number };

/** The skeleton worker's activities: both return at once. */
export interface SkeletonActivities {
  noop(): Promise<void>;
  /** Returns at once; the worker then signals the calling workflow `count` times. */
  sendSignals(count: number): Promise<void>;
}

/** What a workflow run consists of, counted from its history. */
export interface HistoryShape {
  events: number;
  /** Activities, local ones included (the skeleton runs every one as an ordinary activity). */
  activities: number;
  localActivities: number;
  timers: number;
  signals: number;
  upserts: number;
  workflowTasks: number;
}

export function shapeOf(history: History): HistoryShape {
  const events = history.events ?? [];
  const count = (has: (event: Event) => unknown) => events.filter((event) => has(event)).length;
  return {
    events: events.length,
    activities: count((e) => e.activityTaskScheduledEventAttributes || isLocalActivity(e)),
    localActivities: count(isLocalActivity),
    timers: count((e) => e.timerStartedEventAttributes),
    signals: count((e) => e.workflowExecutionSignaledEventAttributes),
    upserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
    workflowTasks: count((e) => e.workflowTaskCompletedEventAttributes),
  };
}

/** The activities, timers and signals a list of steps makes. */
export function shapeOfSteps(steps: SkeletonStep[]): Pick<HistoryShape, 'activities' | 'timers' | 'signals'> {
  let [activities, timers, signals] = [0, 0, 0];
  for (const step of steps) {
    if (step.kind === 'activity') activities += 1;
    else if (step.kind === 'timer') timers += 1;
    else {
      const count = step.kind === 'signals' ? step.count : step.signals;
      timers += 1;
      signals += count;
      activities += step.kind === 'signals' || count > 0 ? 1 : 0;
    }
  }
  return { activities, timers, signals };
}

/** The marker the SDK records for a local activity's result. */
function isLocalActivity(event: Event): boolean {
  return event.markerRecordedEventAttributes?.markerName === 'core_local_activity';
}

interface Command {
  kind: 'activity' | 'timer';
  id: number;
  task: number;
  ms: number;
  /** For a timer: how it ended (open while the case still waits on it). */
  end: 'fired' | 'cancelled' | 'open';
  signals: number;
}

/**
 * The skeleton steps of a real engine run: its activities, timers and signals in the order the workflow
 * issued them. Local activities count as activities: the baseline is the work the case must do, done the
 * plain way, so that an optimisation of the engine does not make its baseline cheaper too. A timer that signals cancelled becomes a `signals` step whose trigger is an activity issued in
 * the same workflow task (the engine's partner notification, sent as it starts waiting); a timer still open
 * becomes the final `wait` in `waitPhase`. Signals are counted towards the timer they arrived under.
 */
export function stepsFromHistory(history: History, waitPhase = 'waiting'): SkeletonStep[] {
  const events = history.events ?? [];
  const commands: Command[] = [];
  const timers = new Map<number, Command>();
  let pendingSignals = 0;
  for (const event of events) {
    const id = Number(event.eventId);
    const activity =
      event.activityTaskScheduledEventAttributes ??
      (isLocalActivity(event) ? event.markerRecordedEventAttributes : null);
    const timer = event.timerStartedEventAttributes;
    if (activity) {
      const task = Number(activity.workflowTaskCompletedEventId);
      commands.push({ kind: 'activity', id, task, ms: 0, end: 'fired', signals: 0 });
    } else if (timer) {
      const task = Number(timer.workflowTaskCompletedEventId);
      const ms =
        Number(timer.startToFireTimeout?.seconds ?? 0) * 1000 + (timer.startToFireTimeout?.nanos ?? 0) / 1e6;
      const command: Command = { kind: 'timer', id, task, ms, end: 'open', signals: 0 };
      commands.push(command);
      timers.set(id, command);
    } else if (event.timerFiredEventAttributes) {
      const started = timers.get(Number(event.timerFiredEventAttributes.startedEventId));
      if (started) started.end = 'fired';
    } else if (event.timerCanceledEventAttributes) {
      const started = timers.get(Number(event.timerCanceledEventAttributes.startedEventId));
      if (started) started.end = 'cancelled';
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const waiting = [...timers.values()].find((command) => command.end === 'open');
      if (waiting) waiting.signals += 1;
      else pendingSignals += 1;
    }
  }
  // Signals that came while no timer ran go to the first timer that waits for signals.
  const waiter = commands.find((command) => command.kind === 'timer' && command.end !== 'fired');
  if (waiter) waiter.signals += pendingSignals;
  return toSteps(commands, waitPhase);
}

function toSteps(commands: Command[], waitPhase: string): SkeletonStep[] {
  const steps: SkeletonStep[] = [];
  const tasks = [...new Set(commands.map((command) => command.task))];
  for (const task of tasks) {
    const group = commands.filter((command) => command.task === task);
    let activities = group.filter((command) => command.kind === 'activity').length;
    const waits: SkeletonStep[] = [];
    for (const timer of group.filter((command) => command.kind === 'timer')) {
      if (timer.end === 'fired') {
        waits.push({ kind: 'timer', ms: Math.round(timer.ms) });
        continue;
      }
      // The activity issued beside the wait triggers its signals (when there are any to trigger).
      if (activities > 0 && (timer.end === 'cancelled' || timer.signals > 0)) activities -= 1;
      waits.push(
        timer.end === 'cancelled'
          ? { kind: 'signals', count: timer.signals }
          : { kind: 'wait', phase: waitPhase, signals: timer.signals },
      );
    }
    for (let i = 0; i < activities; i++) steps.push({ kind: 'activity' });
    steps.push(...waits);
  }
  return steps;
}
