/**
 * YAML parsing, loaded on first use: the yaml package costs a hook call ~10 ms to load and most
 * calls never parse YAML (the built-in policy and rule packs come prebuilt as JSON).
 */
import { createRequire } from 'node:module';

type Parse = (text: string) => unknown;
let parse: Parse | undefined;

export function parseYaml(text: string): unknown {
  parse ??= (createRequire(import.meta.url)('yaml') as { parse: Parse }).parse;
  return parse(text);
}
