// Every subject of a job lives under syncgrad.<job>. so jobs sharing a server never see each
// other's traffic, and a server-side ACL can grant a job exactly its own prefix.
import { ConfigError } from '../errors.js';

/** Where a coordinator or worker looks for NATS without --nats or $NATS_URL. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_JOB = 'default';

const JOB_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function validateJobName(job: string): string {
  if (!JOB_NAME.test(job)) throw new ConfigError(`--job must be 1-64 letters, digits, '-' or '_' (a NATS subject token), got ${JSON.stringify(job)}`);
  return job;
}

export interface Subjects {
  join: string;
  ready: string;
  index: string;
  weights: string;
  data: string;
  control: string;
  step(rank: number): string;
  grad(rank: number): string;
  eval(rank: number): string;
  ping(rank: number): string;
  /**
   * Sharded exchange: gradient chunks pushed to their slice's owner (rs), the owner's reduced
   * chunks fanned out to every rank (ag), repair requests for a reduced chunk (rgrad; a gradient
   * chunk is asked for on grad), a replica's whole state for the coordinator (state), and the
   * coordinator's Adam moments for a replica that pulls a version (adam).
   */
  rs(rank: number): string;
  ag(rank: number): string;
  rgrad(rank: number): string;
  state(rank: number): string;
  adam: string;
}

export function subjects(job: string): Subjects {
  const p = `syncgrad.${validateJobName(job)}`;
  return {
    join: `${p}.join`,
    ready: `${p}.ready`,
    index: `${p}.index`,
    weights: `${p}.weights`,
    data: `${p}.data`,
    control: `${p}.control`,
    step: (rank) => `${p}.w.${rank}.step`,
    grad: (rank) => `${p}.w.${rank}.grad`,
    eval: (rank) => `${p}.w.${rank}.eval`,
    ping: (rank) => `${p}.w.${rank}.ping`,
    rs: (rank) => `${p}.w.${rank}.rs`,
    ag: (rank) => `${p}.w.${rank}.ag`,
    rgrad: (rank) => `${p}.w.${rank}.rgrad`,
    state: (rank) => `${p}.w.${rank}.state`,
    adam: `${p}.adam`,
  };
}
