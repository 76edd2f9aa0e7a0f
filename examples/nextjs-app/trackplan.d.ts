// Types useFlag() by the example's catalog (type-only: no zod reaches the page).
import type { catalog } from './analytics/catalog';

declare module 'trackplan/next' {
  interface TrackplanRegister {
    catalog: typeof catalog;
  }
}
