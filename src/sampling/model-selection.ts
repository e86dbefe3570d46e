import type { ModelPreferences } from "./types.js";

/** How a model rates on each axis; any scale, higher `cost` = pricier, higher `speed`/`intelligence` = better. */
export interface ModelScores {
  cost?: number;
  speed?: number;
  intelligence?: number;
}

export interface ModelSelectionOptions {
  /** Used when no hint matches and priorities cannot decide. */
  defaultModel: string;
  /** The names hints and priorities may select (default `[defaultModel]`); any custom name is fine. */
  models?: readonly string[];
  /** Per-model scores that let `costPriority` / `speedPriority` / `intelligencePriority` choose. */
  scores?: Readonly<Record<string, ModelScores>>;
}

type Axis = keyof ModelScores;
const AXES: ReadonlyArray<{ axis: Axis; priority: keyof ModelPreferences; lowerIsBetter: boolean }> = [
  { axis: "cost", priority: "costPriority", lowerIsBetter: true },
  { axis: "speed", priority: "speedPriority", lowerIsBetter: false },
  { axis: "intelligence", priority: "intelligencePriority", lowerIsBetter: false },
];

/**
 * Chooses the model for one sampling request.
 *
 * 1. Hints, in order: a hint selects the model of `models` with exactly its name, else the one with the
 *    same name ignoring case, else the first whose name contains it (case-insensitively). First hit wins.
 * 2. Priorities, when `scores` rate some of `models`: each axis is rescaled to 0..1 across the rated
 *    models (cost inverted, so cheaper scores higher; an unrated axis counts 0.5), weighted by its
 *    priority and summed. The highest total wins; ties go to the earlier model in `models`.
 * 3. Otherwise `defaultModel`.
 */
export function selectModel(
  preferences: ModelPreferences | undefined,
  options: ModelSelectionOptions,
): string {
  const models = options.models ?? [options.defaultModel];
  for (const hint of preferences?.hints ?? []) {
    const match = matchHint(hint?.name, models);
    if (match !== undefined) return match;
  }
  return byPriorities(preferences, models, options.scores) ?? options.defaultModel;
}

function matchHint(name: string | undefined, models: readonly string[]): string | undefined {
  if (typeof name !== "string" || name.trim() === "") return undefined;
  const wanted = name.toLowerCase();
  return (
    models.find((model) => model === name) ??
    models.find((model) => model.toLowerCase() === wanted) ??
    models.find((model) => model.toLowerCase().includes(wanted))
  );
}

function byPriorities(
  preferences: ModelPreferences | undefined,
  models: readonly string[],
  scores: Readonly<Record<string, ModelScores>> | undefined,
): string | undefined {
  if (preferences === undefined || scores === undefined) return undefined;
  const weights = AXES.map(({ priority }) => {
    const weight = preferences[priority];
    return typeof weight === "number" && Number.isFinite(weight) && weight > 0 ? weight : 0;
  });
  if (weights.every((weight) => weight === 0)) return undefined;
  const rated = models.filter((model) => Object.hasOwn(scores, model));
  if (rated.length === 0) return undefined;

  // Rescale each axis to 0..1 so weights compare like with like whatever scale the scores use.
  const normalised = AXES.map(({ axis, lowerIsBetter }) => {
    const values = rated.map((model) => scores[model]?.[axis]).filter(isFiniteNumber);
    const min = Math.min(...values);
    const max = Math.max(...values);
    return (model: string): number => {
      const value = scores[model]?.[axis];
      if (!isFiniteNumber(value) || max === min) return 0.5;
      const scaled = (value - min) / (max - min);
      return lowerIsBetter ? 1 - scaled : scaled;
    };
  });

  let best: string | undefined;
  let bestTotal = Number.NEGATIVE_INFINITY;
  for (const model of rated) {
    const total = normalised.reduce((sum, score, index) => sum + (weights[index] ?? 0) * score(model), 0);
    if (total > bestTotal) {
      best = model;
      bestTotal = total;
    }
  }
  return best;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
