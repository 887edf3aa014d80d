/**
 * Containers reaching the host: bind mounts, the Docker socket, privileged runs, image builds
 * and pushes.
 */
import { check, DONE } from './registry.ts';
import { optionValues } from '../tables.ts';
import { alt } from '../tables.ts';
import { hostOf } from '../../network.ts';

/** Options of `docker build` that take a value (the value is not the build context). */
const BUILD_VALUED_OPTION = new RegExp(
  String.raw`^-(?:t|f|o)$|^--${alt([
    'tag',
    'file',
    'build-arg',
    'target',
    'platform',
    'network',
    'label',
    'cache-from',
    'cache-to',
    'output',
    'secret',
    'ssh',
    'iidfile',
    'progress',
    'builder',
    'build-context',
    'add-host',
    'shm-size',
    'memory',
    'cpu-shares',
    'isolation',
    'ulimit',
  ])}$`,
);

check({
  id: 'containers.mounts',
  phase: 'before',
  names: ['docker', 'podman', 'nerdctl'],
  run(x) {
    const { name, args, sub, pt } = x;
    // Host files reached from containers: bind mounts (`docker run -v ~/.ssh:/k`, --mount source=…) are
    // read, and written unless read-only; `docker cp` reads or writes its host side. The Docker socket
    // mounted into a container is root on the host.
    if (/^(?:docker|podman|nerdctl)$/.test(name)) {
      const verb = sub === 'container' || sub === 'image' ? (args.filter((a) => !a.startsWith('-'))[1] ?? '') : sub;
      if (verb === 'run' || verb === 'create') {
        const mounts = optionValues(args, /^-v$|^--volume$/, /^--volume=(.+)|^-v(.+)/).map((v) => ({
          src: v.split(':')[0],
          ro: /:(?:[\w,]*,)?ro(?:,|$)/.test(v),
        }));
        for (const m of optionValues(args, /^--mount$/, /^--mount=(.+)/)) {
          const src = /(?:^|,)(?:source|src)=([^,]+)/.exec(m)?.[1];
          if (src && /(?:^|,)type=bind(?:,|$)/.test(m))
            mounts.push({ src, ro: /(?:^|,)(?:readonly|ro)(?:=true|=1)?(?:,|$)/.test(m) });
        }
        for (const { src, ro } of mounts) {
          if (!/^[/~.]/.test(src) || src.includes('$')) continue;
          if (/(?:^|\/)docker\.sock$/.test(src)) {
            x.report('containers.docker-socket', {
              capability: 'privilege',
              detail: `${name} ${verb} mounts the Docker socket (root on the host)`,
            });
            continue;
          }
          pt.read(src);
          if (!ro) pt.write(src);
        }
      }
      if (verb === 'cp') {
        const [from, to] = args.slice(args.indexOf('cp') + 1).filter((a) => !a.startsWith('-'));
        if (from && !/^[\w.-]+:/.test(from) && !from.includes('$')) pt.read(from);
        if (to && !/^[\w.-]+:/.test(to) && !to.includes('$')) pt.write(to);
      }
    }
  },
});

check({
  id: 'containers.host-root',
  phase: 'before',
  names: ['ctr', 'nerdctl'],
  run(x) {
    const { name, args } = x;
    if ((name === 'ctr' || name === 'nerdctl') && args.some((a) => /(?:^|,)src=\/(?:,|$)|source=\/(?:,|$)/.test(a)))
      x.report('containers.host-root', {
        capability: 'privilege',
        detail: `${name} mounts the host's root folder into a container`,
      });
  },
});

check({
  id: 'containers.docker',
  phase: 'command',
  names: ['docker', 'podman', 'nerdctl', 'buildah'],
  ends: true,
  run(x) {
    const { name, args, sub } = x;
    // An image build runs its Dockerfile's RUN steps: a build context or Dockerfile only known at
    // run time is code Warden cannot see (the workspace's own Dockerfile is judged when written).
    const b = args.findIndex((a) => a === 'build' || a === 'bud');
    if (b >= 0 && (b === 0 || /^(?:image|buildx|builder)$/.test(args[b - 1]))) {
      for (let i = b + 1; i < args.length; i++) {
        const a = args[i];
        const valued = BUILD_VALUED_OPTION.test(a);
        if ((valued && /^-f$|^--file$/.test(a) && x.isDynamic(i + 1)) || (!a.startsWith('-') && x.isDynamic(i))) {
          x.report('containers.build-dynamic', {
            capability: 'unknown',
            detail: `${name} build runs the RUN steps of a Dockerfile whose path is only known at run time`,
          });
          break;
        }
        if (valued) i++;
      }
    }
    if (/^(?:push|login)$/.test(sub))
      x.report('containers.publish', {
        capability: 'deploy',
        detail: `${name} ${sub} publishes or signs in to a registry`,
      });
    if (
      sub === 'run' &&
      args.some(
        (a) =>
          /^--privileged$|^-v\/:|^--volume=\/:|^\/:\//.test(a) ||
          a === '/:/host' ||
          /^\/(?::|$)/.test(a.split(':')[0] === '/' ? '/' : 'x'),
      )
    )
      x.report('containers.host-access', { capability: 'privilege', detail: `${name} run with host access` });
    return DONE;
  },
});

/** Variables and options that point a container CLI at the daemon it drives. */
const DAEMON_VARS = /^(?:DOCKER_HOST|CONTAINER_HOST)$/;
const DAEMON_OPTIONS = ['-H', '--host', '--url'];
/** Other global options of these CLIs that take a value as the next word. */
const GLOBAL_VALUED =
  /^(?:-c|--context|--config|-l|--log-level|--connection|--tlscacert|--tlscert|--tlskey|-f|--file|-p|--project-name)$/;

check({
  id: 'containers.remote-daemon',
  phase: 'before',
  names: ['docker', 'podman', 'nerdctl', 'docker-compose', 'buildah'],
  run(x) {
    // The daemon is where containers run and what they can mount: one on another machine (tcp://,
    // ssh://) runs every later step there, with that machine's files and network. A local socket
    // (unix://, npipe://) is ordinary and stays unflagged.
    const given = x.assigned.filter(([k]) => DAEMON_VARS.test(k)).map(([, v]) => v);
    // (global options only: they come before the subcommand; `docker exec c grep -H x` is grep's -H)
    for (let i = 0; i < x.args.length && x.args[i].startsWith('-'); i++) {
      const [flag, value] = x.args[i].split(/=(.*)/s);
      if (!DAEMON_OPTIONS.includes(flag) && !/^-H./.test(flag)) {
        if (GLOBAL_VALUED.test(flag) && value === undefined) i++;
        continue;
      }
      const v = value ?? (/^-H./.test(flag) ? flag.slice(2) : x.args[++i]);
      if (v && !x.isDynamic(i)) given.push(v);
    }
    const hosts = given
      .filter((v) => !/^(?:unix|npipe|fd):/i.test(v))
      .map((v) => hostOf(/^[a-z][\w+.-]*:\/\//i.test(v) ? v : `tcp://${v}`, 'curl') ?? '');
    if (hosts.length) x.net('containers.remote-daemon', hosts, `${x.name} drives the container daemon on`);
  },
});
