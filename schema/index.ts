export { catalog as batchtrack } from './batchtrack';
export { catalog as tformance } from './tformance';
export { catalog as omoi } from './omoi';
export { catalog as esim } from './esim';
export { catalog as storefront } from './storefront';
import { catalog as batchtrack } from './batchtrack';
import { catalog as esim } from './esim';
import { catalog as omoi } from './omoi';
import { catalog as storefront } from './storefront';
import { catalog as tformance } from './tformance';

/** The five reference catalogs, one per seed plan. */
export const catalogs = [batchtrack, tformance, omoi, esim, storefront] as const;
