import { InvalidArgumentError } from 'commander';
import { isValidUserId } from '../domain';

/**
 * Parsers for option values. Commander reports what they throw as a usage error naming the option, which
 * `run` turns into exit code 2.
 */

/** An integer between `min` and `max`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

/** A number of seconds between `min` and `max` (fractions allowed). */
export function secondsIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a number of seconds from ${min} to ${max}`);
    }
    return number;
  };
}

/** One of `allowed`; the error lists them, so the operator need not look them up. */
export function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) throw new InvalidArgumentError(`allowed values: ${allowed.join(', ')}`);
    return match;
  };
}

/** A user id that can name a case, checked before anything connects. */
export function userIdArgument(value: string): string {
  if (!isValidUserId(value)) {
    throw new InvalidArgumentError(
      'expected 1-128 letters, digits, "_", "." or "-", starting with a letter or digit',
    );
  }
  return value;
}
