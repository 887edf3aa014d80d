/**
 * The V8 flags the hook's start-up snapshots are built with and started with (src/hooks/snapshot.ts,
 * scripts/build.mjs, the installed command in src/hooks/install.ts). A blob loads only under the
 * flags it was built with: under any others Node exits at once (code 14) and the installed command
 * runs the ordinary hook, so a mismatch costs time, never the verdict.
 *
 * - `--no-rehash-snapshot`: V8 otherwise rehashes every string and hash table of the blob with a
 *   fresh seed at each start, some 5-7 ms of a 50-80 ms call here. Without it the process keeps
 *   the seed drawn when this machine built the blob. The rehash guards against hash flooding by
 *   someone who knows the seed; a hook process lives for one call and judges only that call's
 *   payload (at most 4 MiB), so a flood can only slow that call to its deadline, which denies it.
 * - `--min-semi-space-size=16` (MB): a file write allocates some 50 MB in its 100 ms; V8's
 *   default young generation starts at 1 MB and collects dozens of times on the way (about 8 ms).
 * - `--regexp-tier-up-ticks=400`: V8 runs a regex in its interpreter first and compiles it to
 *   machine code on a later run (by default the second). Machine code cannot be in a blob (the
 *   build aborts), but interpreter bytecode can: with the default, the files snapshot could not run
 *   the text analyzers over its warm-up texts (src/hooks/warmup-texts.ts; at 50 it still aborts,
 *   at 100 it builds). With 400 the regexes the warm-up compiled start as bytecode (a write of
 *   examples/agent-session/app.py: 122 ms CPU against 141 ms), and a regex still becomes machine
 *   code once it runs often, so a large file is judged no slower (a 43 kB write: 418 ms both).
 *   (`--regexp-interpret-all` keeps every regex in the interpreter: that 43 kB write took 455 ms
 *   against 403 ms.) Should a change make a warm-up regex run 400 times, the build makes the files
 *   snapshot without the texts (scripts/build.mjs).
 */
export const HOOK_SNAPSHOT_FLAGS = ['--no-rehash-snapshot', '--min-semi-space-size=16', '--regexp-tier-up-ticks=400'];
