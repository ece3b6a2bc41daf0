import type { Usage } from '../core/usage.js';
import type { PriceSchedule } from './compile-price-schedule.js';
import { stepFor } from './compile-price-schedule.js';
import { FEMTOS_PER_NANO } from './price-fields.js';

/*
 * Money arithmetic. Rates are integer femto-USD per token; each is split into whole nano-USD and
 * a remainder below one nano, and the two sums are kept apart: tokens x whole stays exact up to
 * 9e15 nano-USD ($9M) per request, tokens x remainder up to 9e9 tokens, both far beyond any real
 * request. The result is rounded once, at the end. No allocation: this runs on every request.
 */

const HALF_NANO = FEMTOS_PER_NANO / 2;

function wholeNanos(tokens: number, rate: number): number {
  return tokens * Math.floor(rate / FEMTOS_PER_NANO);
}

function remainderFemtos(tokens: number, rate: number): number {
  return tokens * (rate % FEMTOS_PER_NANO);
}

/** Splits a remainder sum (femto-USD) into whole nanos, rounding half up to the nearest nano. */
function roundHalfUp(whole: number, remainder: number): number {
  const carried = Math.floor(remainder / FEMTOS_PER_NANO);
  return whole + carried + (remainder - carried * FEMTOS_PER_NANO >= HALF_NANO ? 1 : 0);
}

function ceilNanos(whole: number, remainder: number): number {
  return whole + Math.ceil(remainder / FEMTOS_PER_NANO);
}

/** A count that may be missing, clamped to what is left of its total. */
function part(count: number | null | undefined, left: number): number {
  return count === null || count === undefined ? 0 : Math.min(count, left);
}

/**
 * The exact cost of a request, in nano-USD, rounded half up to the nearest nano-USD once at the
 * end. Usage is counted the OpenAI way (SPEC §3): `prompt_tokens` holds every input token, cache
 * reads (`cached_tokens`), cache writes (`cache_creation_tokens`) and audio included, and
 * `completion_tokens` holds every output token, reasoning and audio included. Each part is taken
 * out of its total and priced at its own rate; a part larger than what is left of its total is
 * clamped, so a miscounting adapter never makes the cost exceed the bound of `maxCostNanos`.
 * Long-context tiers are chosen by `prompt_tokens`, cached tokens included, as Anthropic and
 * Google count them.
 */
export function costNanos(schedule: PriceSchedule, usage: Usage): number {
  const prompt = usage.prompt_tokens;
  const completion = usage.completion_tokens;
  const promptDetails = usage.prompt_tokens_details;
  const completionDetails = usage.completion_tokens_details;
  const cacheRead = part(promptDetails?.cached_tokens, prompt);
  const cacheWrite = part(promptDetails?.cache_creation_tokens, prompt - cacheRead);
  const inputAudio = part(promptDetails?.audio_tokens, prompt - cacheRead - cacheWrite);
  const input = prompt - cacheRead - cacheWrite - inputAudio;
  const reasoning = part(completionDetails?.reasoning_tokens, completion);
  const outputAudio = part(completionDetails?.audio_tokens, completion - reasoning);
  const output = completion - reasoning - outputAudio;

  const rates = stepFor(schedule, prompt).rates;
  const whole =
    wholeNanos(input, rates.input) +
    wholeNanos(cacheRead, rates.cacheRead) +
    wholeNanos(cacheWrite, rates.cacheWrite) +
    wholeNanos(inputAudio, rates.inputAudio) +
    wholeNanos(output, rates.output) +
    wholeNanos(reasoning, rates.reasoning) +
    wholeNanos(outputAudio, rates.outputAudio);
  const remainder =
    remainderFemtos(input, rates.input) +
    remainderFemtos(cacheRead, rates.cacheRead) +
    remainderFemtos(cacheWrite, rates.cacheWrite) +
    remainderFemtos(inputAudio, rates.inputAudio) +
    remainderFemtos(output, rates.output) +
    remainderFemtos(reasoning, rates.reasoning) +
    remainderFemtos(outputAudio, rates.outputAudio);
  return roundHalfUp(whole, remainder);
}

/**
 * An upper bound of `costNanos` for any usage with at most `promptBytes` prompt tokens and at most
 * `maxOutputTokens` completion tokens: every prompt token at the highest input-side rate, every
 * output token at the highest output-side rate, both taken over the tiers a prompt of that size
 * can reach (a 2 KB prompt cannot reach a 200k-token tier, so it is not reserved at that price),
 * rounded up.
 */
export function maxCostNanos(
  schedule: PriceSchedule,
  bound: { promptBytes: number; maxOutputTokens: number },
): number {
  const step = stepFor(schedule, bound.promptBytes);
  const whole =
    wholeNanos(bound.promptBytes, step.maxInputRate) +
    wholeNanos(bound.maxOutputTokens, step.maxOutputRate);
  const remainder =
    remainderFemtos(bound.promptBytes, step.maxInputRate) +
    remainderFemtos(bound.maxOutputTokens, step.maxOutputRate);
  return ceilNanos(whole, remainder);
}
