// Types of catalog.mjs for the TypeScript bench files.
export declare const properties: { safeParse(input: unknown): unknown };
export declare const catalog: import('../src/core/catalog').Catalog<{ order_paid: Record<string, unknown> }>;
export declare const event: (i: number) => Record<string, unknown>;
