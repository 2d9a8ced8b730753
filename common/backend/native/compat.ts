// tfjs-node 4.22 calls util.isNullOrUndefined and util.isArray, which Node deprecated long ago and
// removed in Node 23: on Node 24 (the current LTS) every native kernel that builds an op attribute
// failed with "(0 , util_1.isNullOrUndefined) is not a function". Before tfjs-node loads, we put
// the two functions back on Node's util module, with the semantics Node documented for them, and
// only where they are missing. Nothing else in the process used them, since they did not exist.
import util from 'node:util';

type LegacyUtil = { isNullOrUndefined?: (v: unknown) => boolean; isArray?: (v: unknown) => boolean };

/** Restores what tfjs-node 4.22 needs of Node's removed util functions; a no-op on Node 20 and 22. */
export function restoreLegacyUtil(target: LegacyUtil = util): void {
  if (typeof target.isNullOrUndefined !== 'function') target.isNullOrUndefined = (v) => v === null || v === undefined;
  if (typeof target.isArray !== 'function') target.isArray = (v) => Array.isArray(v);
}
