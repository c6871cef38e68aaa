/**
 * jStat, typed for the two functions parabench uses (it ships no types). The only file that
 * imports it.
 */
import { createRequire } from 'node:module';

interface JStat {
  readonly studentt: {
    /** The quantile of Student's t with `df` degrees of freedom. */
    inv(p: number, df: number): number;
    cdf(x: number, df: number): number;
  };
}

const jStat = (createRequire(import.meta.url)('jstat') as { jStat: JStat }).jStat;
export default jStat;
