/**
 * The shell checks, one module per command family. Loading a module registers its checks; the
 * order here is the order checks of one phase run in (and so the order of their reasons).
 */
import './shells.ts';
import './pipelines.ts';
import './network.ts';
import './environment.ts';
import './recon.ts';
import './evasion.ts';
import './secrets.ts';
import './containers.ts';
import './git.ts';
import './files.ts';
import './interpreters.ts';
import './packages.ts';
import './persistence.ts';
import './agents.ts';
import './privilege.ts';
import './destruction.ts';
import './deploy.ts';
import './effects.ts';
import './sources.ts';

export { runChecks, plan, registeredChecks } from './registry.ts';
